/**
 * `npm run bench`: dlt against wrk and autocannon on a private nginx, in one run. Generators get
 * CPU 0 and nginx CPU 1; cases run interleaved, 3 times; medians and ratios are printed and
 * written to bench/results/<timestamp>.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeEnvironment } from './environment.ts';
import { killMeasured } from './measure.ts';
import { type NginxTarget, startNginx } from './nginx.ts';
import { type PeerName, peers } from './peers.ts';
import { comparisonTable, fmt, suiteTable } from './report.ts';
import { type RunContext, runCase } from './run-case.ts';
import { ensureTools } from './setup.ts';
import { fullRuns, quickRuns, type Suite, type SuiteName, suiteNames, suites } from './suites.ts';
import { compare, type RunRecord, summarizeCase } from './summary.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const usage = `Usage: npm run bench -- [options]

Benchmarks dlt against wrk and autocannon on a private nginx (127.0.0.1, CPU 1); every
generator runs on CPU 0. Installs nginx, wrk and GNU time with apt-get when they are missing.

Options:
  --suite NAME   run only this suite (repeatable): ${suiteNames.join(', ')}
  --quick        smoke check: 1 repetition, 3 s runs (1 s for the marginal-cost runs)
  --reps N       repetitions of each case (default 3, or 1 with --quick)
  -h, --help     this help

Suites:
  closed   50 connections, 10 s: req/s, cpu-s per 10k requests (whole process and marginal), RSS
  rate     2,000 requests/s, 50 connections, 10 s: CPU used, achieved rate, p99
  idle     1 request/s on each of 2,000 and 10,000 keep-alive connections: memory per connection
  workers  dlt --workers 1 vs 2 (with 2, dlt shares nginx's core)
`;

interface Options {
  readonly suites: readonly SuiteName[];
  readonly quick: boolean;
  readonly reps: number;
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      suite: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      reps: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const asked = (values.suite ?? []).flatMap((s) => s.split(','));
  const unknown = asked.filter((s) => !(suiteNames as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown suite "${unknown[0]}"; one of ${suiteNames.join(', ')}`);
  const reps = values.reps === undefined ? (values.quick ? 1 : 3) : Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: "${values.reps}" is not a positive whole number`);
  return { suites: asked.length > 0 ? (asked as SuiteName[]) : [...suiteNames], quick: values.quick, reps };
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Set on Ctrl-C, so no new run starts while the harness cleans up. */
let interrupted = false;

/** Runs a suite's cases interleaved, `reps` times; a tool that is not there gets a failure record. */
async function runSuite(
  suite: Suite,
  reps: number,
  ctx: RunContext,
  unavailable: Partial<Record<PeerName, string>>,
  wrk: string,
): Promise<RunRecord[]> {
  const tools = peers(root, wrk);
  const records: RunRecord[] = [];
  // A tool that hung once would likely hang again: its later runs in this suite are skipped.
  const hung = new Map<PeerName, string>();
  log(suite.title);
  for (let rep = 1; rep <= reps; rep++) {
    for (const c of suite.cases) {
      if (interrupted) return records;
      const why = unavailable[c.tool] ?? hung.get(c.tool);
      const r: RunRecord =
        why === undefined
          ? await runCase(c, tools[c.tool], rep, ctx)
          : { ok: false, suite: c.suite, caseId: c.id, rep, error: why };
      if (!r.ok && !hung.has(c.tool) && / timed out /.test(r.error))
        hung.set(c.tool, `${r.error} (earlier run; not retried)`);
      records.push(r);
      const what = r.ok ? `${fmt(r.result.rps)} req/s, ${fmt(r.cost.userS + r.cost.sysS)} cpu-s` : `n/a (${r.error})`;
      log(`  ${suite.name} ${rep}/${reps} ${c.id}: ${what}`);
    }
  }
  return records;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options === undefined) {
    process.stdout.write(usage);
    return 0;
  }
  const found = await ensureTools(log);
  if (!found.nginx.ok || !found.time.ok) {
    log(
      `cannot benchmark without nginx and /usr/bin/time: ${[found.nginx, found.time].flatMap((f) => (f.ok ? [] : [f.reason])).join('; ')}`,
    );
    return 1;
  }
  const unavailable: Partial<Record<PeerName, string>> = {};
  if (!found.wrk.ok) unavailable.wrk = found.wrk.reason;
  if (!existsSync(join(root, 'packages/cli/src/bin.ts')))
    unavailable.dlt = 'dlt run failed: packages/cli/src/bin.ts not found';
  const scratchDir = await mkdtemp(join(tmpdir(), 'dlt-bench-'));
  let target: NginxTarget | undefined;
  const cleanUp = async () => {
    killMeasured();
    await target?.stop();
    await rm(scratchDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      interrupted = true;
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    target = await startNginx(found.nginx.path, join(scratchDir, 'nginx'), 1);
    log(`nginx on ${target.url} (CPU 1, worker pid ${target.workerPid})`);
    const all = suites(options.quick ? quickRuns : fullRuns);
    const chosen = options.suites.map((n) => all[n]);
    const records: RunRecord[] = [];
    const wrkPath = found.wrk.ok ? found.wrk.path : 'wrk';
    for (const s of chosen)
      records.push(...(await runSuite(s, options.reps, { target, scratchDir }, unavailable, wrkPath)));
    await report(chosen, records, options, found.nginx.path, found.wrk.ok ? found.wrk.path : undefined);
    return 0;
  } finally {
    await cleanUp();
  }
}

async function report(chosen: readonly Suite[], records: RunRecord[], options: Options, nginx: string, wrk?: string) {
  const summaries = chosen.flatMap((s) => s.cases.map((c) => summarizeCase(c, records)));
  const comparisons = chosen.flatMap((s) => compare(s.name, summaries));
  const environment = describeEnvironment(root, { nginx, wrk });
  const text = [
    `# dlt benchmark, ${options.quick ? 'quick (smoke check)' : 'full'}, ${options.reps} repetition(s), interleaved`,
    `${environment.cpu} × ${environment.cores}, Linux ${environment.kernel}, Node ${environment.node}; ` +
      Object.entries(environment.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ...chosen.map((s) => suiteTable(s, summaries)),
    comparisonTable(comparisons),
  ].join('\n\n');
  process.stdout.write(`\n${text}\n`);
  const dir = join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const doc = {
    createdAt: new Date().toISOString(),
    options,
    environment,
    suites: chosen,
    records,
    summaries,
    comparisons,
  };
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`);
  log(`results written to ${relative(process.cwd(), file)}`);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
