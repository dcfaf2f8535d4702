/**
 * End to end: a real `dlt start` process, real `dlt agent` processes it launches, and a real
 * target on loopback. A test created through the seed's body runs with 3 tasks and the merged
 * total equals the target's own count; a cancel stops the load within 2 s and keeps what was
 * measured; a killed agent fails the run naming its task; a server killed mid-run comes back
 * and the run still completes with every request counted.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const bin = join(import.meta.dirname, '..', '..', 'cli', 'src', 'bin.ts');
const password = 'e2e-admin-password';
const terminal = ['complete', 'cancelled', 'failed'];

let hits = 0;
/**
 * When set, the target delays each answer and keeps how long it really took, from the request to
 * its end (under load a timer fires late, so the delay asked for is not the truth): 80 ms on the
 * first connection it accepts (one VU of one task), 1…20 ms in turn on every other. The slow VU
 * makes ~2 % of all requests, so the true p99 is ~80 ms, while a mean of the tasks' p99s is ~40.
 */
let delayed: number[] | undefined;
let slowSocket: unknown;
const delayOf = (n: number, slow: boolean) => (slow ? 80 : 1 + ((n * 7) % 20));
let target: Server;
let targetUrl = '';
let dataDir = '';
const groups: number[] = [];

before(async () => {
  target = createServer((req, res) => {
    const n = hits++;
    if (!delayed) {
      res.end('ok');
      return;
    }
    slowSocket ??= req.socket;
    const arrived = performance.now();
    const took = delayed;
    setTimeout(
      () => res.end('ok', () => took.push(performance.now() - arrived)),
      delayOf(n, req.socket === slowSocket),
    );
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}/`;
  dataDir = await mkdtemp(join(tmpdir(), 'dlt-e2e-'));
});

after(async () => {
  // Every server and the agents it launched share a process group; orphans of a killed server too.
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  target.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface ServerProcess {
  readonly proc: ChildProcess;
  readonly url: string;
}

async function startServer(port = 0): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [bin, 'start', '--port', String(port), '--data', dataDir], {
    env: { ...process.env, DLT_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  groups.push(proc.pid!);
  let out = '';
  proc.stderr!.on('data', (d) => {
    if (process.env.DLT_E2E_LOG) process.stderr.write(`[server ${proc.pid}] ${d}`);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from dlt start: ${out}`)), 15_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`dlt start exited with ${code}: ${out}`)));
  });
  return { proc, url };
}

async function api(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const login = async (url: string) =>
  (await api(url, 'POST', '/api/auth/login', undefined, { username: 'admin', password })).body.token as string;

function seedBody(holdFor: string, taskCount = 3) {
  return {
    testName: `e2e ${holdFor}`,
    testDescription: 'end to end through the seed body',
    testType: 'simple',
    fileType: 'none',
    testTaskConfigs: [{ region: 'local', taskCount, concurrency: 2 }],
    testScenario: {
      execution: [{ concurrency: 2, 'ramp-up': '0s', 'hold-for': holdFor, scenario: 'e2e' }],
      scenarios: { e2e: { requests: [{ url: targetUrl, method: 'GET', headers: {}, body: '' }] } },
    },
    regionalTaskDetails: { local: { dltAvailableTasks: 100 } },
    showLive: false,
  };
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const statusOf = async (url: string, token: string, testId: string) =>
  (await api(url, 'GET', `/api/scenarios/${testId}?history=false`, token)).body;

const untilStatus = (url: string, token: string, testId: string, wanted: (s: string) => boolean, ms = 30_000) =>
  waitFor(`test ${testId}`, ms, async () => {
    const s = await statusOf(url, token, testId);
    return wanted(s.status) ? s : undefined;
  });

let server: ServerProcess;
let token = '';

/** Nearest-rank percentile of `values`. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

test('a seed-body test with 3 tasks: the merged total is the target’s own count, its percentiles the target’s', async () => {
  server = await startServer();
  token = await login(server.url);
  hits = 0;
  delayed = [];
  const created = await api(server.url, 'POST', '/api/scenarios', token, seedBody('2s'));
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const done = await untilStatus(server.url, token, created.body.testId, (s) => terminal.includes(s));
  const applied = delayed;
  delayed = undefined;
  assert.equal(done.status, 'complete', done.errorReason);
  // Merged from 3 tasks' histograms, each percentile is the one of the times the target took (a
  // response also crosses loopback and the agent's event loop: a few ms), never a mean of the
  // tasks' percentiles. HDR precision is 3 significant digits (≤ 0.1 %).
  assert.ok(percentile(applied, 99) >= 80, 'the slow VU makes over 1 % of the requests');
  for (const [field, p] of [
    ['p50_0', 50],
    ['p90_0', 90],
    ['p99_0', 99],
  ] as const) {
    const measured = Number(done.results.total[field]) * 1000;
    const truth = percentile(applied, p);
    assert.ok(
      measured >= truth * 0.999 && measured <= truth + 10,
      `${field}: merged ${measured.toFixed(2)} ms, the target took ${truth.toFixed(2)} ms`,
    );
  }
  const total = done.results.total;
  assert.equal(total.throughput, hits);
  assert.ok(hits > 100, `only ${hits} requests`);
  assert.equal(total.succ, hits);
  assert.equal(done.results.local.throughput, hits);
  assert.equal(total.labels.length, 1);
  assert.equal(done.summary.totals.requests, hits);
  assert.equal(done.summary.regions.local.totals.requests, hits);
  assert.ok(done.summary.timeline.length >= 2);
  assert.ok(Number(total.p99_0) >= Number(total.p50_0) && Number(total.p100_0) >= Number(total.p99_0));
  const run = await api(server.url, 'GET', `/api/scenarios/${done.testId}/testruns/${done.testRunId}`, token);
  assert.equal(run.body.tasks.length, 3);
  assert.ok(run.body.tasks.every((t: { resultStored: boolean }) => t.resultStored));
  assert.ok(run.body.startSpreadMs < 200, `tasks started ${run.body.startSpreadMs} ms apart`);
});

test('cancel mid-run stops the load within 2 s and keeps what was measured', async () => {
  const created = await api(server.url, 'POST', '/api/scenarios', token, seedBody('60s'));
  const { testId } = created.body;
  await untilStatus(server.url, token, testId, (s) => s === 'running');
  await new Promise((r) => setTimeout(r, 1500));
  const before = hits;
  const cancelled = await api(server.url, 'POST', `/api/scenarios/${testId}`, token);
  assert.equal(cancelled.status, 200);
  await new Promise((r) => setTimeout(r, 2000));
  const settled = hits;
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(hits, settled, 'requests still arriving 2 s after the cancel');
  const done = await untilStatus(server.url, token, testId, (s) => terminal.includes(s), 15_000);
  assert.equal(done.status, 'cancelled');
  assert.ok(done.results.total.throughput > 0 && done.results.total.throughput <= hits - before + before);
});

test('a killed agent fails the run with a reason naming its task', async () => {
  const created = await api(server.url, 'POST', '/api/scenarios', token, seedBody('60s'));
  const { testId } = created.body;
  const running = await untilStatus(server.url, token, testId, (s) => s === 'running');
  const victim = running.taskIds[1];
  process.kill(agentPid(victim)!, 'SIGKILL');
  const done = await untilStatus(server.url, token, testId, (s) => terminal.includes(s), 15_000);
  assert.equal(done.status, 'failed');
  assert.match(done.errorReason, new RegExp(`task ${victim} \\(region local\\)`));
});

test('a server killed mid-run comes back, and the run completes with every request counted', async () => {
  const created = await api(server.url, 'POST', '/api/scenarios', token, seedBody('4s'));
  const { testId } = created.body;
  await untilStatus(server.url, token, testId, (s) => s === 'running');
  const start = hits;
  const port = new URL(server.url).port;
  server.proc.kill('SIGKILL');
  await new Promise((r) => server.proc.once('exit', r));
  server = await startServer(Number(port));
  const done = await untilStatus(server.url, token, testId, (s) => terminal.includes(s), 30_000);
  assert.equal(done.status, 'complete', done.errorReason);
  assert.equal(done.results.total.throughput, hits - start);
  // The agents the killed server had started are sent away once their run is over.
  await waitFor('the old agents to exit', 10_000, async () =>
    done.taskIds.every((id: string) => agentPid(id, false) === undefined) ? true : undefined,
  );
});

/** The pid of the local agent process named after a task. */
function agentPid(taskId: string, required = true): number | undefined {
  const ps = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  // Zombies (stat Z) have exited; only their parent has not reaped them yet.
  const line = ps.split('\n').find((l) => l.includes(`--name ${taskId}`) && !/^\s*\d+\s+Z/.test(l));
  if (required) assert.ok(line, `no agent process for ${taskId}`);
  return line === undefined ? undefined : Number(line.trim().split(/\s+/)[0]);
}
