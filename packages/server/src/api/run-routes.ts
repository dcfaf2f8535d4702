/** The seed's test-run and baseline routes, compare, and the live stream of a run. */

import { taskResultKey } from '../results/merge-run.ts';
import type { ServerRunSummary } from '../results/run-summary.ts';
import { isTerminal, type RunRecord } from '../store/store.ts';
import { compareSummaries } from './compare.ts';
import type { ApiContext } from './context.ts';
import { HttpError, notFound } from './errors.ts';
import { liveStream } from './live-stream.ts';
import { reportRoutes } from './report-routes.ts';
import { type AnyRoute, route } from './route.ts';
import {
  baselineBody,
  baselineQuery,
  compareQuery,
  deleteRunsBody,
  runParams,
  taskParams,
  testIdParams,
  testRunParams,
  testRunsQuery,
} from './schemas.ts';
import { runItem, runSummaryItem } from './views.ts';

export function runRoutes(ctx: ApiContext): AnyRoute[] {
  const test = async (testId: string) => {
    const t = await ctx.store.getTest(testId);
    if (!t) throw notFound('TEST_NOT_FOUND', `test ${testId}`);
    return t;
  };
  const runOf = async (testId: string, runId: string): Promise<RunRecord> => {
    await test(testId);
    const run = await ctx.store.getRun(runId);
    if (!run || run.testId !== testId) throw notFound('TESTRUN_NOT_FOUND', `run ${runId} of test ${testId}`);
    return run;
  };
  const baselineOf = async (testId: string) => {
    const b = await ctx.store.getBaseline(testId);
    return b && (await ctx.store.getRun(b.runId)) ? b : undefined;
  };
  return [
    route({
      method: 'GET',
      url: '/api/scenarios/:testId/testruns',
      access: 'viewer',
      summary: 'Runs of a test, newest first, with cursor pagination and time filters',
      params: testIdParams,
      query: testRunsQuery,
      handler: async ({ params, query }) => {
        await test(params.testId);
        const limit = query.latest ? 1 : (query.limit ?? 20);
        const page = await ctx.store.listRuns(params.testId, {
          limit,
          cursor: query.next_token,
          from: query.start_timestamp,
          to: query.end_timestamp,
        });
        return {
          testRuns: page.runs.map(runSummaryItem),
          pagination: { limit, next_token: page.nextCursor ?? null, total_count: page.total },
        };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/scenarios/:testId/testruns',
      access: 'editor',
      summary: 'Delete runs of a test (never the baseline, never a run that has not ended)',
      params: testIdParams,
      body: deleteRunsBody,
      handler: async ({ params, body }) => {
        await test(params.testId);
        const baseline = await ctx.store.getBaseline(params.testId);
        if (baseline && body.includes(baseline.runId)) {
          throw new HttpError('BASELINE_CONFLICT', `run ${baseline.runId} is the baseline; remove the baseline first`);
        }
        for (const id of body) {
          const run = await ctx.store.getRun(id);
          if (run && run.testId === params.testId && !isTerminal(run.status)) {
            throw new HttpError('TEST_RUNNING', `run ${id} has not ended`);
          }
        }
        const deletedCount = await ctx.store.deleteRuns(params.testId, body);
        for (const id of body) await ctx.artifacts.deletePrefix(`runs/${id}/`);
        return { deletedCount };
      },
    }),
    route({
      method: 'GET',
      url: '/api/scenarios/:testId/testruns/:testRunId',
      access: 'viewer',
      summary: 'One run in full: results (seed shape), summary, tasks',
      params: testRunParams,
      handler: async ({ params }) => {
        const run = await runOf(params.testId, params.testRunId);
        return runItem(run, await ctx.store.listTasks(run.runId));
      },
    }),
    route({
      method: 'GET',
      url: '/api/scenarios/:testId/testruns/:testRunId/tasks/:taskId/result',
      access: 'viewer',
      summary: "A task's raw result as its agent sent it (snapshots and encoded histograms), JSON",
      params: testRunParams.extend(taskParams.shape),
      handler: async ({ params, reply }) => {
        const run = await runOf(params.testId, params.testRunId);
        const bytes = await ctx.artifacts.get(taskResultKey(run.runId, params.taskId));
        if (!bytes) throw notFound('NOT_FOUND', `a stored result of task ${params.taskId} in run ${run.runId}`);
        reply.header('content-disposition', `attachment; filename="${run.runId}-${params.taskId}.json"`);
        reply.type('application/json');
        return Buffer.from(bytes);
      },
    }),
    route({
      method: 'GET',
      url: '/api/scenarios/:testId/testruns/:testRunId/compare',
      access: 'viewer',
      summary: 'Deltas per metric, region and label between a run and the baseline (or ?with=another run)',
      params: testRunParams,
      query: compareQuery,
      handler: async ({ params, query }) => {
        const run = await runOf(params.testId, params.testRunId);
        const otherId = query.with ?? (await baselineOf(params.testId))?.runId;
        if (otherId === undefined)
          throw new HttpError('NO_BASELINE_SET', `test ${params.testId} has no baseline; pass ?with=RUN`);
        const other = await runOf(params.testId, otherId);
        if (!run.summary || !other.summary) {
          throw new HttpError(
            'TESTRUN_NOT_FOUND',
            `run ${run.summary ? otherId : run.runId} has no results to compare`,
          );
        }
        const deltas = compareSummaries(run.summary as ServerRunSummary, other.summary as ServerRunSummary);
        return { testId: params.testId, testRunId: run.runId, baselineId: otherId, ...deltas };
      },
    }),
    route({
      method: 'GET',
      url: '/api/scenarios/:testId/baseline',
      access: 'viewer',
      summary: 'The baseline run of a test',
      params: testIdParams,
      query: baselineQuery,
      handler: async ({ params, query }) => {
        await test(params.testId);
        const b = await baselineOf(params.testId);
        if (!b) return { testId: params.testId, baselineId: null, message: 'No baseline set for this test' };
        const run = (await ctx.store.getRun(b.runId))!;
        const details = {
          testRunId: run.runId,
          startTime: run.startTime,
          endTime: run.endTime ?? '',
          status: run.status,
          results: run.results ?? {},
          ...(run.scheduleTimezone ? { scheduleTimezone: run.scheduleTimezone } : {}),
        };
        return {
          testId: params.testId,
          baselineId: b.runId,
          message: 'Baseline retrieved',
          ...(query.data === false ? {} : { testRunDetails: details }),
        };
      },
    }),
    route({
      method: 'PUT',
      url: '/api/scenarios/:testId/baseline',
      access: 'editor',
      summary: 'Set the baseline run of a test',
      params: testIdParams,
      body: baselineBody,
      handler: async ({ params, body }) => {
        const run = await runOf(params.testId, body.testRunId);
        if (!isTerminal(run.status)) throw new HttpError('TEST_RUNNING', `run ${run.runId} has not ended`);
        const previous = await ctx.store.getBaseline(params.testId);
        await ctx.store.setBaseline(params.testId, run.runId);
        return {
          testId: params.testId,
          baselineId: run.runId,
          message: 'Baseline set',
          ...(previous && previous.runId !== run.runId ? { previousBaselineId: previous.runId } : {}),
          details: { testRunId: run.runId, startTime: run.startTime, status: run.status },
        };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/scenarios/:testId/baseline',
      access: 'editor',
      summary: 'Remove the baseline of a test',
      params: testIdParams,
      handler: async ({ params }) => {
        await test(params.testId);
        const previous = await ctx.store.getBaseline(params.testId);
        if (!previous || !(await ctx.store.clearBaseline(params.testId))) {
          throw new HttpError('NO_BASELINE_SET', `test ${params.testId} has no baseline`);
        }
        return { message: 'Baseline removed', testId: params.testId, details: { previousBaselineId: previous.runId } };
      },
    }),
    route({
      method: 'GET',
      url: '/api/runs/:runId/live',
      access: 'viewer',
      summary: 'Server-Sent Events of a run: status changes and every task snapshot, until it ends',
      params: runParams,
      handler: async ({ params, request, reply }) => {
        const run = await ctx.store.getRun(params.runId);
        if (!run) throw notFound('TESTRUN_NOT_FOUND', `run ${params.runId}`);
        return liveStream(ctx, run, request, reply);
      },
    }),
    ...reportRoutes(ctx),
  ];
}
