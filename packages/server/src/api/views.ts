/**
 * What the API answers, in the seed's field names: the scenario item, the test-run summary row
 * (`formatTestRunItems`: times in ms, rates per second) and the full test-run item. Numbers come
 * from dlt's exact summary; the seed's `results` ride along unchanged.
 */
import type { RunSummary } from '@dlt/model';
import type { ServerRunSummary } from '../results/run-summary.ts';
import { isTerminal, type RunRecord, type TaskRecord, type TestRecord, type TestStatus } from '../store/store.ts';

/**
 * A test's status: its last run's while that runs; `scheduled` while its schedule has a next
 * run; else its last run's, or `created` before any run.
 */
export function testStatus(_test: TestRecord, lastRun: RunRecord | undefined, nextRun?: string): TestStatus {
  if (lastRun && !isTerminal(lastRun.status)) return lastRun.status;
  if (nextRun !== undefined) return 'scheduled';
  return lastRun?.status ?? 'created';
}

/** The stored test with the seed's flat schedule fields. */
export function testFields(test: TestRecord) {
  const { schedule, scriptKey, createdAt, updatedAt, ...rest } = test;
  return { ...rest, ...schedule, createdAt, updatedAt };
}

/** A row of `GET /api/scenarios`. */
export function listItem(test: TestRecord, lastRun: RunRecord | undefined, totalRuns: number, nextRun?: string) {
  return {
    testId: test.testId,
    testName: test.testName,
    testDescription: test.testDescription,
    testType: test.testType,
    status: testStatus(test, lastRun, nextRun),
    startTime: lastRun?.startTime ?? '',
    endTime: lastRun?.endTime ?? '',
    nextRun: nextRun ?? null,
    scheduleRecurrence: test.schedule?.recurrence ?? '',
    cronValue: test.schedule?.cronValue ?? '',
    scheduleTimezone: test.schedule?.scheduleTimezone ?? '',
    tags: test.tags,
    totalTestRuns: totalRuns,
  };
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** The seed's test-run summary row (`GET …/testruns`). */
export function runSummaryItem(run: RunRecord) {
  const s = run.summary as RunSummary | undefined;
  const base = {
    testRunId: run.runId,
    startTime: run.startTime,
    endTime: run.endTime ?? '',
    status: run.status,
    ...(run.scheduleTimezone ? { scheduleTimezone: run.scheduleTimezone } : {}),
    ...(run.errorReason ? { errorReason: run.errorReason } : {}),
  };
  if (!s) return base;
  const t = s.totals;
  const rt = t.responseTime;
  return {
    ...base,
    requests: t.requests,
    success: t.requests - t.failures,
    errors: t.failures,
    requestsPerSecond: round(t.rps),
    avgResponseTime: round(rt.mean),
    avgLatency: round(t.latency.mean),
    avgConnectionTime: round(t.connectTime.mean),
    avgBandwidth: round(t.bandwidth),
    percentiles: {
      p0: round(rt.min),
      p50: round(rt.p50),
      p90: round(rt.p90),
      p95: round(rt.p95),
      p99: round(rt.p99),
      p99_9: round(rt['p99.9']),
      p100: round(rt.max),
    },
  };
}

/** A task as the API shows it. */
export function taskView(t: TaskRecord) {
  const { testId, runId, ...rest } = t;
  return rest;
}

/** The seed's `succPercent` ("NN.NN": successes of all requests), once the run has a summary. */
export function succPercentOf(run: RunRecord): { succPercent?: string } {
  const total = (run.summary as ServerRunSummary | undefined)?.totals;
  if (!total) return {};
  return {
    succPercent: total.requests > 0 ? (((total.requests - total.failures) / total.requests) * 100).toFixed(2) : '0.00',
  };
}

/**
 * A run as `history[]` of `GET /api/scenarios/{testId}` lists it: the summary row plus, as the
 * seed's history items carry them, the run's final `results` and `succPercent`.
 */
export function historyItem(run: RunRecord) {
  return { ...runSummaryItem(run), results: run.results ?? {}, ...succPercentOf(run) };
}

/** The full test-run item (`GET …/testruns/{testRunId}`). */
export function runItem(run: RunRecord, tasks: readonly TaskRecord[]) {
  const summary = run.summary as ServerRunSummary | undefined;
  const completeTasks: Record<string, number> = {};
  for (const t of tasks) if (t.resultStored) completeTasks[t.region] = (completeTasks[t.region] ?? 0) + 1;
  return {
    testId: run.testId,
    testRunId: run.runId,
    status: run.status,
    startTime: run.startTime,
    endTime: run.endTime ?? '',
    ...(run.errorReason ? { errorReason: run.errorReason } : {}),
    testName: run.testName,
    testDescription: run.testDescription,
    testType: run.testType,
    fileType: run.fileType,
    testTaskConfigs: run.taskConfigs,
    testScenario: run.definition,
    ...(run.scheduleTimezone ? { scheduleTimezone: run.scheduleTimezone } : {}),
    ...(run.startAtMs !== undefined ? { startAt: new Date(run.startAtMs).toISOString() } : {}),
    ...(run.startSpreadMs !== undefined ? { startSpreadMs: run.startSpreadMs } : {}),
    results: run.results ?? {},
    ...(summary ? { summary } : {}),
    ...succPercentOf(run),
    completeTasks,
    taskIds: tasks.map((t) => t.taskId),
    tasks: tasks.map(taskView),
  };
}

/** Per region: tasks running, pending and desired (the seed's `tasksPerRegion`). */
export function tasksPerRegion(run: RunRecord, tasks: readonly TaskRecord[]) {
  return run.taskConfigs.map((c) => {
    const mine = tasks.filter((t) => t.region === c.region);
    return {
      region: c.region,
      running: mine.filter((t) => t.status === 'running' || t.status === 'ready').length,
      pending: mine.filter((t) => t.status === 'pending' || t.status === 'assigned').length,
      desired: c.taskCount,
    };
  });
}
