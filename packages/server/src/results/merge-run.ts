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

/**
 * The thresholds of a run: a `simple` definition's, or for a script test those its agents
 * compiled from the script and sent with their uploads (every task compiles the same script).
 */
export function thresholdsOf(run: RunRecord, fromScript: readonly ThresholdSpec[] = []): readonly ThresholdSpec[] {
  if (run.testType !== 'simple') return fromScript;
  const check = checkDefinition(run.definition);
  return check.ok ? (check.value.thresholds ?? []) : [];
}

interface StoredUpload {
  readonly result: TaskResult;
  readonly thresholds?: readonly ThresholdSpec[];
}

async function loadResult(artifacts: Artifacts, task: TaskRecord): Promise<StoredUpload | undefined> {
  const bytes = await artifacts.get(taskResultKey(task.runId, task.taskId));
  if (bytes === undefined) return undefined;
  return JSON.parse(new TextDecoder().decode(bytes)) as StoredUpload;
}

/**
 * A task's result with its times moved from its agent's clock into the server's (`offsetMs` =
 * agent − server, as measured over the control channel), each second to the nearest whole
 * second as the live seconds are: agents whose clocks disagree then merge into the seconds they
 * really shared, and the run's duration is the time it really took.
 */
export function inServerClock(result: TaskResult, offsetMs: number): TaskResult {
  if (!Number.isFinite(offsetMs) || offsetMs === 0) return result;
  return {
    ...result,
    startedAt: result.startedAt - offsetMs,
    endedAt: result.endedAt - offsetMs,
    timeline: result.timeline.map((s) => ({ ...s, at: Math.round((s.at - offsetMs) / 1000) * 1000 })),
  };
}

/** Merges every stored result of the run's tasks; undefined when none was stored. */
export async function mergeRun(
  run: RunRecord,
  tasks: readonly TaskRecord[],
  artifacts: Artifacts,
): Promise<MergedRun | undefined> {
  const byRegion = new Map<string, TaskResult[]>();
  let fromScript: readonly ThresholdSpec[] = [];
  for (const task of tasks) {
    if (!task.resultStored) continue;
    const stored = await loadResult(artifacts, task);
    if (!stored) continue;
    if (fromScript.length === 0 && stored.thresholds) fromScript = stored.thresholds;
    const result = inServerClock(stored.result, task.clockOffsetMs ?? 0);
    byRegion.set(task.region, [...(byRegion.get(task.region) ?? []), result]);
  }
  if (byRegion.size === 0) return undefined;
  const regions = Object.fromEntries([...byRegion].map(([name, rs]) => [name, mergeResults(rs)]));
  const total = mergeResults(Object.values(regions));
  const starts = tasks.map((t) => t.startedAtMs).filter((s): s is number => s !== undefined);
  const spread = starts.length > 1 ? Math.max(...starts) - Math.min(...starts) : undefined;
  return {
    results: seedResults(total, regions),
    summary: runSummary(total, regions, thresholdsOf(run, fromScript), spread),
    ...(spread === undefined ? {} : { startSpreadMs: spread }),
  };
}
