/**
 * Reads the stored task results of a run and merges them — all tasks, and each region's — into
 * the seed's `results` and dlt's `summary`. The server merges incrementally never: a run's
 * results are always recomputed from what is stored, so a restart or a late upload cannot
 * count a task twice.
 */
import { mergeResults } from '@dlt/metrics';
import { checkDefinition, type TaskResult, type ThresholdSpec } from '@dlt/model';
import type { Artifacts } from '../artifacts/artifacts.ts';
import type { RunRecord, TaskRecord } from '../store/store.ts';
import { runSummary, type ServerRunSummary } from './run-summary.ts';
import { type SeedResult, seedResults } from './seed-results.ts';

/** Where a task's uploaded result is kept. */
export const taskResultKey = (runId: string, taskId: string) => `runs/${runId}/tasks/${taskId}.json`;

export interface MergedRun {
  readonly results: Record<string, SeedResult>;
  readonly summary: ServerRunSummary;
  /** Latest actual task start minus the earliest, ms, from the uploads. */
  readonly startSpreadMs?: number;
}

/** The thresholds of a `simple` definition (none for other types, whose scripts carry their own). */
export function thresholdsOf(run: RunRecord): readonly ThresholdSpec[] {
  if (run.testType !== 'simple') return [];
  const check = checkDefinition(run.definition);
  return check.ok ? (check.value.thresholds ?? []) : [];
}

async function loadResult(artifacts: Artifacts, task: TaskRecord): Promise<TaskResult | undefined> {
  const bytes = await artifacts.get(taskResultKey(task.runId, task.taskId));
  if (bytes === undefined) return undefined;
  return (JSON.parse(new TextDecoder().decode(bytes)) as { result: TaskResult }).result;
}

/** Merges every stored result of the run's tasks; undefined when none was stored. */
export async function mergeRun(
  run: RunRecord,
  tasks: readonly TaskRecord[],
  artifacts: Artifacts,
): Promise<MergedRun | undefined> {
  const byRegion = new Map<string, TaskResult[]>();
  for (const task of tasks) {
    if (!task.resultStored) continue;
    const result = await loadResult(artifacts, task);
    if (!result) continue;
    byRegion.set(task.region, [...(byRegion.get(task.region) ?? []), result]);
  }
  if (byRegion.size === 0) return undefined;
  const regions = Object.fromEntries([...byRegion].map(([name, rs]) => [name, mergeResults(rs)]));
  const total = mergeResults(Object.values(regions));
  const starts = tasks.map((t) => t.startedAtMs).filter((s): s is number => s !== undefined);
  const spread = starts.length > 1 ? Math.max(...starts) - Math.min(...starts) : undefined;
  return {
    results: seedResults(total, regions),
    summary: runSummary(total, regions, thresholdsOf(run), spread),
    ...(spread === undefined ? {} : { startSpreadMs: spread }),
  };
}
