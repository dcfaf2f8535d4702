/** Tools over the runs of a test: history, one run, the latest, the baseline, artifacts and comparison. */
import type { DltClient, TestRun } from '@dlt/client';
import { z } from 'zod';
import { includeTimeline, isoTime, testId, testRunId } from './ids.ts';
import { type Tool, tool } from './tool.ts';

/** A run without its per-second timeline unless asked: a long run's timeline is large and rarely needed. */
export function trimRun(run: TestRun, withTimeline = false): TestRun {
  if (withTimeline || !run.summary || !('timeline' in run.summary)) return run;
  const { timeline, ...summary } = run.summary as typeof run.summary & { timeline: readonly unknown[] };
  return { ...run, summary: { ...summary, timelinePoints: timeline.length } as TestRun['summary'] };
}

/** The newest run of a test, in full; a clear error when it has none. */
async function latestRun(client: DltClient, test_id: string): Promise<TestRun> {
  const { testRuns } = await client.listTestRuns(test_id, { limit: 1 });
  const [newest] = testRuns;
  if (!newest) throw new Error(`test ${test_id} has no runs yet`);
  return client.getTestRun(test_id, newest.testRunId);
}

export const runTools: readonly Tool[] = [
  tool({
    name: 'list_test_runs',
    title: 'List the runs of a load test',
    description:
      "A test's runs, newest first: status, start and end time, requests, successes, errors, requests per " +
      'second, mean response time, latency and connect time (ms), and response-time percentiles p0…p100 (ms). ' +
      'Give a limit (default 20, at most 100), a time window (start_timestamp, optionally end_timestamp), or ' +
      'both. next_token pages on.',
    input: {
      test_id: testId,
      limit: z.number().int().min(1).max(100).optional().describe('Most runs to return (1–100, default 20)'),
      start_timestamp: isoTime('Only runs that started at or after this time').optional(),
      end_timestamp: isoTime('Only runs that started at or before this time').optional(),
      next_token: z.string().min(1).max(512).optional().describe('pagination.next_token of the previous page'),
    },
    run: ({ client }, a) =>
      client.listTestRuns(a.test_id, {
        limit: a.limit,
        startTimestamp: a.start_timestamp,
        endTimestamp: a.end_timestamp,
        nextToken: a.next_token,
      }),
  }),
  tool({
    name: 'get_test_run',
    title: 'Get one run of a load test',
    description:
      'One run in full: status, times, error reason, the seed-shaped results per region and "total" (throughput, ' +
      "succ, fail, avg_rt, p50_0…p100_0, per label), and dlt's exact summary (totals, response-time " +
      'percentiles, status codes, error kinds, checks and thresholds, per label and per region), and its tasks.',
    input: { test_id: testId, test_run_id: testRunId, include_timeline: includeTimeline },
    run: async ({ client }, a) => trimRun(await client.getTestRun(a.test_id, a.test_run_id), a.include_timeline),
  }),
  tool({
    name: 'get_latest_test_run',
    title: 'Get the latest run of a load test',
    description: 'The newest run of a test, in full (as get_test_run). An error when the test has not run yet.',
    input: { test_id: testId, include_timeline: includeTimeline },
    run: async ({ client }, a) => trimRun(await latestRun(client, a.test_id), a.include_timeline),
  }),
  tool({
    name: 'get_baseline_test_run',
    title: 'Get the baseline run of a load test',
    description:
      'The run marked as the baseline of a test (what later runs are compared with), in full as get_test_run; ' +
      'baselineId is null when no baseline is set.',
    input: { test_id: testId, include_timeline: includeTimeline },
    run: async ({ client }, a) => {
      const b = await client.getBaseline(a.test_id, { data: false });
      if (!b.baselineId) return { testId: a.test_id, baselineId: null, message: 'no baseline is set for this test' };
      const run = trimRun(await client.getTestRun(a.test_id, b.baselineId), a.include_timeline);
      return { testId: a.test_id, baselineId: b.baselineId, testRunDetails: run };
    },
  }),
  tool({
    name: 'compare_test_runs',
    title: 'Compare a run with the baseline or another run',
    description:
      'Deltas between a run and the baseline of its test (or against_test_run_id): per metric (requests per ' +
      'second, error rate, mean and percentile response times…), per region and per label, each with both ' +
      'values, the change and the change in percent. An error when no baseline is set and no other run is given.',
    input: {
      test_id: testId,
      test_run_id: testRunId.describe('The run to judge'),
      against_test_run_id: testRunId.optional().describe('The run to compare with (default: the baseline)'),
    },
    run: ({ client }, a) => client.compare(a.test_id, a.test_run_id, a.against_test_run_id),
  }),
];
