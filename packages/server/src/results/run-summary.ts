/**
 * dlt's own result of a run: the summary `dlt run --out json` writes, for all tasks merged,
 * plus the same per region and a per-second timeline (all regions, and each region's headline
 * numbers), so a run's story survives the run.
 */
import { evaluateThresholds, summarize } from '@dlt/metrics';
import type { RunSummary, SnapshotTimes, TaskResult, ThresholdSpec } from '@dlt/model';

export interface TimelineRegion {
  readonly requests: number;
  readonly failures: number;
  readonly vus: number;
  readonly responseTime: SnapshotTimes;
}

export interface TimelinePoint {
  /** Start of the second, epoch ms. */
  readonly at: number;
  readonly requests: number;
  readonly failures: number;
  readonly bytesReceived: number;
  readonly vus: number;
  readonly responseTime: SnapshotTimes;
  readonly regions: Readonly<Record<string, TimelineRegion>>;
}

export interface ServerRunSummary extends RunSummary {
  readonly regions: Readonly<Record<string, RunSummary>>;
  readonly timeline: readonly TimelinePoint[];
  /** Latest actual task start minus the earliest, ms. */
  readonly startSpreadMs?: number;
}

function timeline(total: TaskResult, regions: Readonly<Record<string, TaskResult>>): TimelinePoint[] {
  const perRegion = new Map<number, Record<string, TimelineRegion>>();
  for (const [name, r] of Object.entries(regions)) {
    for (const s of r.timeline) {
      const at = perRegion.get(s.at) ?? {};
      at[name] = {
        requests: s.totals.requests,
        failures: s.totals.failures,
        vus: s.vus,
        responseTime: s.totals.responseTime,
      };
      perRegion.set(s.at, at);
    }
  }
  return total.timeline.map((s) => ({
    at: s.at,
    requests: s.totals.requests,
    failures: s.totals.failures,
    bytesReceived: s.totals.bytesReceived,
    vus: s.vus,
    responseTime: s.totals.responseTime,
    regions: perRegion.get(s.at) ?? {},
  }));
}

/** The run summary: thresholds are checked against all tasks merged. */
export function runSummary(
  total: TaskResult,
  regions: Readonly<Record<string, TaskResult>>,
  thresholds: readonly ThresholdSpec[],
  startSpreadMs?: number,
): ServerRunSummary {
  const outcomes = evaluateThresholds(thresholds, total);
  const byRegion = Object.fromEntries(Object.entries(regions).map(([name, r]) => [name, summarize(r)]));
  return {
    ...summarize(total, outcomes),
    regions: byRegion,
    timeline: timeline(total, regions),
    ...(startSpreadMs === undefined ? {} : { startSpreadMs }),
  };
}
