/** `dlt run`: load a test (file or quick mode), run it on this machine, report, and exit with a code CI can use. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type LocalRunOutcome, runLocal, type TestSource } from '@dlt/agent';
import { badInput, parseDuration } from '@dlt/model';
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
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const paint = painter(colour);
  const live = new LiveLine(process.stderr, painter(process.stderr.isTTY === true && !process.env.NO_COLOR));
  const stop = new AbortController();
  const onSignal = () => {
    process.stderr.write('\nstopping (Ctrl-C again to quit at once)…\n');
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSignal);
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
    live.done();
  }
  process.stdout.write(renderSummary(outcome.summary, paint));
  for (const o of args.outputs) {
    await writeFile(o.path, `${JSON.stringify(outcome.summary, null, 2)}\n`);
  }
  if (outcome.abortedByThreshold)
    process.stderr.write('the run was stopped early: a threshold with abortOnFail was crossed\n');
  return outcome.thresholdsCrossed ? exitCodes.thresholdsCrossed : exitCodes.ok;
}

function testSource(args: RunArgs): TestSource {
  const env = { ...(process.env as Record<string, string>), ...args.env };
  const limits =
    args.maxDuration === undefined
      ? { maxDurationMs: defaultMaxDurationMs }
      : { maxDurationMs: maxDuration(args.maxDuration) };
  if (args.url !== undefined) {
    return { kind: 'definition', raw: quickDefinition(args), source: '--url', load: { env, limits } };
  }
  const overrides = { vus: args.vus, duration: args.duration, iterations: args.iterations };
  return { kind: 'file', path: resolve(args.file ?? ''), load: { env, overrides, limits } };
}

function maxDuration(text: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    throw badInput([{ field: '--max-duration', message: (e as Error).message }], 'bad arguments');
  }
}
