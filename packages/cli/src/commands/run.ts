/** `dlt run`: load a test (file or quick mode), run it on this machine, report, and exit with a code CI can use. */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { type LocalRunOutcome, runLocal, type TestSource } from '@dlt/agent';
import { badInput, parseDuration, type RunSummary, type TaskResult } from '@dlt/model';
import { regressionExit, writeCiOutputs } from '../ci/outputs.ts';
import { checkRegression } from '../ci/regression.ts';
import { exitCodes } from '../exit-codes.ts';
import { painter } from '../output/format.ts';
import { LiveLine } from '../output/live.ts';
import { renderSummary } from '../output/summary-report.ts';
import { quickDefinition } from './quick.ts';
import { parseRunArgs, type RunArgs, runUsage } from './run-args.ts';

/** The default hard cap on a whole run (the seed's 4 h per test); `--max-duration` lowers or raises it. */
const defaultMaxDurationMs = 4 * 3600_000;

export async function runCommand(argv: readonly string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.help) {
    process.stdout.write(runUsage);
    return exitCodes.ok;
  }
  const source = testSource(args);
  const baseline = args.baseline === undefined ? undefined : await readBaseline(args.baseline);
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const paint = painter(colour);
  const live = new LiveLine(process.stderr, painter(process.stderr.isTTY === true && !process.env.NO_COLOR));
  const stop = new AbortController();
  // SIGTERM (a CI job's timeout, `timeout`, `docker stop`) stops as Ctrl-C does: Locust's process
  // group is ended and what was measured is reported; a second signal quits at once.
  const onSignal = () => {
    process.stderr.write('\nstopping (Ctrl-C again to quit at once)…\n');
    stop.abort();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let outcome: LocalRunOutcome;
  try {
    outcome = await runLocal(source, {
      signal: stop.signal,
      workers: args.workers ?? 1,
      evaluateThresholds: args.thresholds,
      onSecond: args.quiet ? undefined : (view) => live.update(view),
      onWarning: (w) => process.stderr.write(`warning: ${w}\n`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    live.done();
  }
  process.stdout.write(renderSummary(outcome.summary, paint));
  const verdict =
    baseline && args.failOnRegression !== undefined
      ? checkRegression(outcome.summary, baseline, basename(args.baseline ?? ''), args.failOnRegression)
      : undefined;
  const name = args.file ? basename(args.file) : (args.url ?? 'dlt run');
  await writeCiOutputs(
    { ...(args.junit ? { junit: args.junit } : {}), json: args.outputs.map((o) => o.path) },
    { name, status: 'complete', summary: outcome.summary, ...(verdict ? { regression: verdict } : {}) },
    { ...outcome.summary, timeline: timeline(outcome.result) },
  );
  if (outcome.abortedByThreshold)
    process.stderr.write('the run was stopped early: a threshold with abortOnFail was crossed\n');
  return regressionExit(
    verdict,
    outcome.thresholdsCrossed ? exitCodes.thresholdsCrossed : exitCodes.ok,
    process.stderr,
  );
}

/** The per-second story of the run, in the shape the server keeps (so `dlt report --from` draws it). */
function timeline(result: TaskResult) {
  return result.timeline.map((s) => ({
    at: s.at,
    requests: s.totals.requests,
    failures: s.totals.failures,
    bytesReceived: s.totals.bytesReceived,
    vus: s.vus,
    responseTime: s.totals.responseTime,
    regions: {},
  }));
}

/** A summary written by an earlier `--out json=…` (or `dlt tests … --out`), checked enough to compare. */
async function readBaseline(file: string): Promise<RunSummary> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw badInput([{ field: '--baseline', file, message: `cannot read a JSON summary: ${why}` }]);
  }
  const totals = (raw as { totals?: { requests?: unknown; responseTime?: { p95?: unknown } } } | null)?.totals;
  if (typeof totals?.requests !== 'number' || typeof totals.responseTime?.p95 !== 'number') {
    throw badInput([
      { field: '--baseline', file, message: 'is not a run summary (no totals.requests / totals.responseTime.p95)' },
    ]);
  }
  return raw as RunSummary;
}

function testSource(args: RunArgs): TestSource {
  const env = { ...(process.env as Record<string, string>), ...args.env };
  const limits =
    args.maxDuration === undefined
      ? { maxDurationMs: defaultMaxDurationMs }
      : { maxDurationMs: maxDuration(args.maxDuration) };
  if (args.url !== undefined && args.file === undefined) {
    return { kind: 'definition', raw: quickDefinition(args), source: '--url', load: { env, limits } };
  }
  const overrides = { vus: args.vus, duration: args.duration, iterations: args.iterations, url: args.url };
  const properties = args.properties;
  return { kind: 'file', path: resolve(args.file ?? ''), load: { env, overrides, limits, properties } };
}

function maxDuration(text: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    throw badInput([{ field: '--max-duration', message: (e as Error).message }], 'bad arguments');
  }
}
