/**
 * What `dlt tests run --wait` and `dlt tests results` do for CI once a run on the server has
 * ended: compare it with the test's baseline run when `--fail-on-regression` asks, write
 * `--junit` and `--out json=…`, and give the exit code.
 */
import type { DltClient, Scenario } from '@dlt/client';
import type { RunSummary } from '@dlt/model';
import type { JunitInput } from './junit.ts';
import { parseCiFlags, regressionExit, writeCiOutputs } from './outputs.ts';
import { checkRegression, type RegressionVerdict } from './regression.ts';

/** The CI flags as parsed by the command (already checked). */
export interface CiFlags {
  readonly junit?: string;
  readonly out?: readonly string[];
  readonly 'fail-on-regression'?: string;
}

/** Checks, writes and returns the exit code; `code` is the run's own (0, 99 or 1). */
export async function afterServerRun(
  client: DltClient,
  s: Scenario,
  flags: CiFlags,
  code: number,
  err: NodeJS.WritableStream,
): Promise<number> {
  const ci = parseCiFlags(flags, []);
  let verdict: RegressionVerdict | undefined;
  let skipped: string | undefined;
  if (ci.failOnRegression !== undefined) {
    const against = await baselineSummary(client, s);
    if ('skipped' in against) skipped = against.skipped;
    else if (s.summary) verdict = checkRegression(s.summary, against.summary, against.baselineId, ci.failOnRegression);
    if (skipped) err.write(`regression: not checked: ${skipped}\n`);
  }
  const junit: JunitInput = {
    name: s.testName,
    status: s.status,
    ...(s.errorReason ? { errorReason: s.errorReason } : {}),
    ...(s.summary ? { summary: s.summary } : {}),
    ...(verdict ? { regression: verdict } : {}),
    ...(skipped ? { regressionSkipped: skipped } : {}),
  };
  const json = s.summary ?? { status: s.status, ...(s.errorReason ? { errorReason: s.errorReason } : {}) };
  await writeCiOutputs(ci, junit, json);
  return regressionExit(verdict, code, err);
}

/** The summary of the test's baseline run, or why there is none to compare with. */
async function baselineSummary(
  client: DltClient,
  s: Scenario,
): Promise<{ baselineId: string; summary: RunSummary } | { skipped: string }> {
  const { baselineId } = await client.getBaseline(s.testId, { data: false });
  if (!baselineId) {
    // `tests run FILE` stores a new test each time, so a CI job that keeps doing so never has a baseline.
    const first =
      s.totalTestRuns === 1
        ? `; this was its first run: make it the baseline (dlt tests baseline ${s.testId}) and run this test again (dlt tests run ${s.testId}, or FILE --id ${s.testId})`
        : '';
    return {
      skipped: `test ${s.testId} has no baseline (set one with PUT /api/scenarios/${s.testId}/baseline)${first}`,
    };
  }
  if (baselineId === s.testRunId) return { skipped: `run ${baselineId} is the baseline itself` };
  if (!s.summary) return { skipped: `run ${s.testRunId ?? '?'} has no results` };
  const base = await client.getTestRun(s.testId, baselineId);
  if (!base.summary) return { skipped: `baseline run ${baselineId} has no results` };
  return { baselineId, summary: base.summary };
}
