/**
 * A benchmark (not a test) of the engine's two cheap-by-design loads, each against a bare
 * `node:net` client doing the same work in the same run, so the ratio holds on a busy machine:
 *
 * - rate: 2,000 requests/s for S seconds (constant-arrival-rate, 50 VUs, as `dlt run --rate`);
 *   CPU % of a core in steady state (seconds 2 … S), CPU-s for the whole run, schedule lag
 *   p50/p99, dropped iterations;
 * - idle: N VUs that each send one request then think 1 s (constant-vus), at 2,000 and
 *   10,000; memory per connection is the RSS slope between the two, as `npm run bench` does.
 *
 * Every case is a child process pinned to CPU 0 (the target, a private nginx from
 * bench/nginx.ts, on CPU 1), the cases interleaved over the repetitions, medians printed.
 *
 *   node packages/engine/bench-open.ts [--reps 3] [--seconds 10] [--only rate|idle]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Recorder } from '@dlt/metrics';
import type { CompiledTest, ExecutorSpec, PreparedRequest, Sample, VuProgram } from '@dlt/model';
import { startNginx } from '../../bench/nginx.ts';
import { runTest } from './src/run.ts';
import type { SampleSink } from './src/sample-sink.ts';

const rate = 2000;
const idleCounts = [2000, 10_000] as const;
type Row = Record<string, number | string>;

// ---- children: one measured case each, printing one JSON line ----

/** A sink in front of the recorder that keeps every schedule lag, for exact percentiles. */
class LagSink implements SampleSink {
  readonly lags: number[] = [];
  dropped = 0;
  requests = 0;
  readonly #to: Recorder;
  constructor(to: Recorder) {
    this.#to = to;
  }
  record(s: Sample): void {
    this.requests++;
    this.#to.record(s);
  }
  recordIteration(scenario: string, ms: number, interrupted?: boolean, lag?: number): void {
    if (lag !== undefined) this.lags.push(lag);
    this.#to.recordIteration(scenario, ms, interrupted, lag);
  }
  recordDropped(scenario: string, n = 1): void {
    this.dropped += n;
    this.#to.recordDropped(scenario, n);
  }
  setVus(active: number): void {
    this.#to.setVus(active);
  }
}

/** The simple program's shape: one request prepared per VU, sent each iteration, then think time. */
function program(url: string, thinkMs: number): VuProgram {
  const key = 'bench.prepared';
  const prepared = (ctx: Parameters<VuProgram['iteration']>[0]) => {
    let p = ctx.vars.get(key) as PreparedRequest | undefined;
    if (p === undefined) {
      p = ctx.prepare({ label: 'GET /', method: 'GET', url });
      ctx.vars.set(key, p);
    }
    return p;
  };
  return {
    init: (ctx) => void prepared(ctx),
    async iteration(ctx) {
      await ctx.send(prepared(ctx));
      if (thinkMs > 0 && !ctx.signal.aborted) await ctx.sleep(thinkMs);
    },
  };
}

function compiled(spec: ExecutorSpec, url: string, thinkMs: number): CompiledTest {
  return {
    source: 'bench',
    executors: [spec],
    programs: { main: program(url, thinkMs) },
    thresholds: [],
    warnings: [],
  };
}

const base = { name: 'main', program: 'main', startTimeMs: 0, gracefulStopMs: 1000 } as const;

function pct(values: number[], p: number): number {
  const s = values.toSorted((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

function cpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function sysS(): number {
  return process.cpuUsage().system / 1e6;
}

/** Calls `fn` at second 2 and just before the end: the steady-state window. */
function steadyWindow(seconds: number): { readonly done: Promise<{ cpu: number; sys: number; wall: number }> } {
  let at0 = 0;
  let cpu0 = 0;
  let sys0 = 0;
  const done = new Promise<{ cpu: number; sys: number; wall: number }>((resolve) => {
    setTimeout(() => {
      at0 = performance.now();
      cpu0 = cpuS();
      sys0 = sysS();
    }, 2000);
    setTimeout(
      () => resolve({ cpu: cpuS() - cpu0, sys: sysS() - sys0, wall: (performance.now() - at0) / 1000 }),
      seconds * 1000 - 300,
    );
  });
  return { done };
}

async function engineRate(url: string, seconds: number): Promise<Row> {
  const recorder = new Recorder();
  const sink = new LagSink(recorder);
  const spec = {
    ...base,
    executor: 'constant-arrival-rate',
    rate,
    timeUnitMs: 1000,
    durationMs: seconds * 1000,
    preAllocatedVus: 50,
    maxVus: 50,
  } as const;
  const tick = setInterval(() => recorder.tick(), 1000); // as the agent's per-second snapshot
  const cpu0 = cpuS();
  const window = steadyWindow(seconds);
  await runTest(compiled(spec, url, 0), { sink });
  const cpu = cpuS() - cpu0;
  clearInterval(tick);
  const steady = await window.done;
  return {
    cpuS: cpu,
    steadyPct: (100 * steady.cpu) / steady.wall,
    steadySysPct: (100 * steady.sys) / steady.wall,
    lagP50: pct(sink.lags, 50),
    lagP99: pct(sink.lags, 99),
    dropped: sink.dropped,
    requests: sink.requests,
  };
}

/** A minimal open-model client: a 1 ms timer starts the due requests on free keep-alive sockets. */
async function bareRate(url: string, seconds: number): Promise<Row> {
  const { port } = new URL(url);
  const wire = Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  const free: net.Socket[] = [];
  const lags: number[] = [];
  let done = 0;
  let dropped = 0;
  const open = () => {
    const s = net.connect({ port: Number(port), host: '127.0.0.1', noDelay: true });
    let sentAt = 0;
    s.on('data', () => {
      performance.now() - sentAt; // one timing per response, as any measuring client does
      done++;
      free.push(s);
    });
    (s as unknown as { send: () => void }).send = () => {
      sentAt = performance.now();
      s.write(wire);
    };
    return s;
  };
  for (let i = 0; i < 50; i++) free.push(open());
  await new Promise((r) => setTimeout(r, 200));
  const cpu0 = cpuS();
  const window = steadyWindow(seconds);
  const t0 = performance.now();
  const total = rate * seconds;
  let started = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now() - t0;
      for (; started < total && (started * 1000) / rate <= now; started++) {
        lags.push(now - (started * 1000) / rate);
        const s = free.pop();
        if (s === undefined) dropped++;
        else (s as unknown as { send: () => void }).send();
      }
      if (started >= total) {
        clearInterval(timer);
        setTimeout(resolve, 50);
      }
    }, 1);
  });
  const cpu = cpuS() - cpu0;
  const steady = await window.done;
  for (const s of free) s.destroy();
  return {
    cpuS: cpu,
    steadyPct: (100 * steady.cpu) / steady.wall,
    steadySysPct: (100 * steady.sys) / steady.wall,
    lagP50: pct(lags, 50),
    lagP99: pct(lags, 99),
    dropped,
    requests: done,
  };
}

/** Waits for the connections to settle, then reads the memory (after a full GC when exposed). */
async function idleMemory(): Promise<Row> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 100));
  const m = process.memoryUsage();
  return { rssMB: m.rss / 2 ** 20, heapMB: m.heapUsed / 2 ** 20, externalMB: (m.external + m.arrayBuffers) / 2 ** 20 };
}

async function engineIdle(url: string, n: number, seconds: number): Promise<Row> {
  const spec = { ...base, executor: 'constant-vus', vus: n, durationMs: seconds * 1000 } as const;
  let sample: Row = {};
  const measureAt = setTimeout(async () => {
    sample = await idleMemory();
  }, seconds * 700);
  const recorder = new Recorder();
  const sink = new LagSink(recorder);
  await runTest(compiled(spec, url, 1000), { sink });
  clearTimeout(measureAt);
  return { ...sample, connections: n, requests: sink.requests };
}

async function bareIdle(url: string, n: number, seconds: number): Promise<Row> {
  const { port } = new URL(url);
  const wire = Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  const sockets: net.Socket[] = [];
  let requests = 0;
  for (let i = 0; i < n; i++) {
    const s = net.connect({ port: Number(port), host: '127.0.0.1', noDelay: true }, () => s.write(wire));
    s.on('data', () => {
      requests++;
      setTimeout(() => s.write(wire), 1000);
    });
    sockets.push(s);
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, seconds * 700));
  const sample = await idleMemory();
  for (const s of sockets) s.destroy();
  return { ...sample, connections: n, requests };
}

async function child(kind: string, url: string, seconds: number, n: number): Promise<void> {
  const row =
    kind === 'engine-rate'
      ? await engineRate(url, seconds)
      : kind === 'bare-rate'
        ? await bareRate(url, seconds)
        : kind === 'engine-idle'
          ? await engineIdle(url, n, seconds)
          : await bareIdle(url, n, seconds);
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ kind, n, ...row, maxRssMB })}\n`);
  process.exit(0);
}

// ---- parent: target, interleaved repetitions, medians ----

function runChild(args: string[], nodeFlags: string[]): Promise<Row> {
  return new Promise((resolve, reject) => {
    const p = spawn('taskset', ['-c', '0', process.execPath, ...nodeFlags, import.meta.filename, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const kill = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.on('exit', (code) => {
      clearTimeout(kill);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Row);
      else reject(new Error(`${args.join(' ')} exited ${code}: ${out}`));
    });
  });
}

function median(rows: Row[], key: string): number {
  return pct(
    rows.map((r) => Number(r[key])),
    50,
  );
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '10' },
      only: { type: 'string' },
      child: { type: 'string' },
      url: { type: 'string' },
      n: { type: 'string', default: '0' },
      'node-flag': { type: 'string', multiple: true, default: [] },
    },
  });
  const seconds = Number(values.seconds);
  if (values.child !== undefined) return child(values.child, values.url!, seconds, Number(values.n));
  const dir = await mkdtemp(join(tmpdir(), 'dlt-bench-open-'));
  const nginx = await startNginx(execFileSync('sh', ['-c', 'command -v nginx']).toString().trim(), dir, 1);
  const flags = ['--expose-gc', ...values['node-flag']];
  const rows: Row[] = [];
  try {
    for (let rep = 0; rep < Number(values.reps); rep++) {
      const cases: string[][] = [];
      if (values.only !== 'idle') cases.push(['engine-rate'], ['bare-rate']);
      if (values.only !== 'rate') {
        for (const n of idleCounts) cases.push(['engine-idle', String(n)], ['bare-idle', String(n)]);
      }
      for (const [kind, n = '0'] of cases) {
        const row = await runChild(
          ['--child', kind, '--url', nginx.url, '--seconds', String(seconds), '--n', n],
          flags,
        );
        process.stderr.write(`rep ${rep + 1}: ${JSON.stringify(row)}\n`);
        rows.push(row);
      }
    }
  } finally {
    await nginx.stop();
    await rm(dir, { recursive: true, force: true });
  }
  report(rows);
}

function report(rows: Row[]): void {
  const of = (kind: string, n = 0) => rows.filter((r) => r.kind === kind && Number(r.n) === n);
  for (const kind of ['engine-rate', 'bare-rate']) {
    const r = of(kind);
    if (r.length === 0) continue;
    console.log(
      `${kind.padEnd(12)} steady ${fmt(median(r, 'steadyPct'), 1)} % of a core (sys ${fmt(median(r, 'steadySysPct'), 1)}), ${fmt(median(r, 'cpuS'))} cpu-s whole run, ` +
        `lag p50 ${fmt(median(r, 'lagP50'), 3)} ms p99 ${fmt(median(r, 'lagP99'), 3)} ms, ` +
        `dropped ${median(r, 'dropped')}, requests ${median(r, 'requests')}`,
    );
  }
  for (const kind of ['engine-idle', 'bare-idle']) {
    const [few, many] = idleCounts.map((n) => of(kind, n));
    if (few.length === 0 || many.length === 0) continue;
    const per = (key: string) => ((median(many, key) - median(few, key)) * 1024) / (idleCounts[1] - idleCounts[0]);
    console.log(
      `${kind.padEnd(12)} ${fmt(per('rssMB'), 1)} KB RSS per connection (heap ${fmt(per('heapMB'), 1)}, ` +
        `external ${fmt(per('externalMB'), 1)}), RSS at 10k ${fmt(median(many, 'rssMB'), 0)} MB, peak ${fmt(median(many, 'maxRssMB'), 0)} MB`,
    );
  }
}

await main();
