/**
 * Splits a run into tasks (one per `taskCount` in each region, indexed across all regions so
 * split executors get disjoint shares) and writes the spec an agent gets for one of them.
 */
import { agentResultPath, type TaskSpec } from '@dlt/model';
import type { RunRecord, TaskRecord } from '../store/store.ts';

/** The tasks of a run, in region order, `taskId` = `<runId>-<index>`. */
export function planTasks(run: RunRecord): TaskRecord[] {
  const tasks: TaskRecord[] = [];
  for (const config of run.taskConfigs) {
    for (let i = 0; i < config.taskCount; i++) {
      const index = tasks.length;
      tasks.push({
        taskId: `${run.runId}-${index}`,
        runId: run.runId,
        testId: run.testId,
        region: config.region,
        index,
        concurrency: config.concurrency,
        status: 'pending',
        resultStored: false,
      });
    }
  }
  return tasks;
}

/** Where an agent fetches the run's script or zip for one of its tasks. */
export const bundlePath = (taskId: string) => agentResultPath(taskId).replace(/\/result$/, '/bundle');

/** The spec sent in `assign`. */
export function taskSpec(run: RunRecord, task: TaskRecord, taskCount: number, maxDurationMs: number): TaskSpec {
  return {
    runId: run.runId,
    testId: run.testId,
    taskId: task.taskId,
    region: task.region,
    testType: run.testType,
    // Every type gets its definition: script tests (jmeter, k6, locust) take the load its
    // execution gives (concurrency, ramp-up, hold-for, iterations), as the seed's Taurus runs do.
    definition: run.definition,
    ...(run.scriptKey !== undefined ? { bundleUrl: bundlePath(task.taskId) } : {}),
    concurrency: task.concurrency,
    share: { index: task.index, count: taskCount },
    maxDurationMs,
  };
}
