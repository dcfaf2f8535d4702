/**
 * Compares two runs of a test (a run and the baseline, or any other): for the whole run, each
 * region and each label, each headline metric's value in both runs, the difference and the
 * difference in percent of the baseline. Values are read from dlt's exact summaries.
 */
import type { LabelSummary, RunSummary } from '@dlt/model';
import type { ServerRunSummary } from '../results/run-summary.ts';

export interface MetricDelta {
  readonly value: number;
  readonly baseline: number;
  readonly delta: number;
  /** Null when the baseline is 0. */
  readonly deltaPercent: number | null;
}

const metrics: Readonly<Record<string, (l: LabelSummary) => number>> = {
  requests: (l) => l.requests,
  failures: (l) => l.failures,
  errorRate: (l) => (l.requests > 0 ? l.failures / l.requests : 0),
  rps: (l) => l.rps,
  bandwidth: (l) => l.bandwidth,
  avgResponseTime: (l) => l.responseTime.mean,
  p50: (l) => l.responseTime.p50,
  p90: (l) => l.responseTime.p90,
  p95: (l) => l.responseTime.p95,
  p99: (l) => l.responseTime.p99,
  'p99.9': (l) => l.responseTime['p99.9'],
  maxResponseTime: (l) => l.responseTime.max,
  avgLatency: (l) => l.latency.mean,
  avgConnectionTime: (l) => l.connectTime.mean,
};

function deltas(run: LabelSummary, base: LabelSummary): Record<string, MetricDelta> {
  const out: Record<string, MetricDelta> = {};
  for (const [name, read] of Object.entries(metrics)) {
    const value = read(run);
    const baseline = read(base);
    const delta = value - baseline;
    out[name] = { value, baseline, delta, deltaPercent: baseline === 0 ? null : (delta / baseline) * 100 };
  }
  return out;
}

function byKey(
  run: Readonly<Record<string, LabelSummary>>,
  base: Readonly<Record<string, LabelSummary>>,
): Record<string, Record<string, MetricDelta>> {
  const out: Record<string, Record<string, MetricDelta>> = {};
  for (const key of Object.keys(run).sort()) if (base[key]) out[key] = deltas(run[key], base[key]);
  return out;
}

export function compareSummaries(run: ServerRunSummary, base: ServerRunSummary) {
  const regionTotals = (s: ServerRunSummary) =>
    Object.fromEntries(Object.entries(s.regions ?? {}).map(([r, rs]: [string, RunSummary]) => [r, rs.totals]));
  return {
    total: deltas(run.totals, base.totals),
    regions: byKey(regionTotals(run), regionTotals(base)),
    labels: byKey(run.labels, base.labels),
  };
}
