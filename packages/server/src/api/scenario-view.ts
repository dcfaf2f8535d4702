/** `GET /api/scenarios/{testId}`: the test, its latest run, its history and, while it runs, its tasks. */
import { isTerminal } from '../store/store.ts';
import type { ApiContext } from './context.ts';
import { notFound } from './errors.ts';
import { historyItem, tasksPerRegion, testFields, testStatus } from './views.ts';

export interface ScenarioViewOptions {
  /** Include every run's summary row with its results (default true). */
  readonly history?: boolean;
  /** Include the latest run's results (default true). */
  readonly latest?: boolean;
}

export async function scenarioView(ctx: ApiContext, testId: string, o: ScenarioViewOptions = {}) {
  const test = await ctx.store.getTest(testId);
  if (!test) throw notFound('TEST_NOT_FOUND', `test ${testId}`);
  const last = await ctx.store.latestRun(testId);
  const tasks = last ? await ctx.store.listTasks(last.runId) : [];
  const baseline = await ctx.store.getBaseline(testId);
  const nextRun = (await ctx.store.getSchedule(testId))?.nextRun;
  const history =
    o.history === false ? undefined : (await ctx.store.listRuns(testId, { limit: 100 })).runs.map(historyItem);
  return {
    ...testFields(test),
    status: testStatus(test, last, nextRun),
    nextRun: nextRun ?? null,
    ...(last
      ? {
          testRunId: last.runId,
          startTime: last.startTime,
          endTime: last.endTime ?? '',
          ...(last.errorReason ? { errorReason: last.errorReason } : {}),
          taskIds: tasks.map((t) => t.taskId),
          results: o.latest === false ? {} : (last.results ?? {}),
          ...(o.latest === false || !last.summary ? {} : { summary: last.summary }),
          ...(isTerminal(last.status) ? {} : { tasksPerRegion: tasksPerRegion(last, tasks) }),
        }
      : { results: {} }),
    ...(history ? { history } : {}),
    totalTestRuns: await ctx.store.countRuns(testId),
    baselineId: baseline?.runId ?? null,
  };
}
