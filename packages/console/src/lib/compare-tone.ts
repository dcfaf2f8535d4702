/** Whether a change of a compared metric is better or worse: lower is better for times and failures, higher for throughput. */

const higherIsBetter = new Set(['requests', 'rps', 'bandwidth']);

export type Tone = 'better' | 'worse' | 'same';

/** Changes within `tolerance` percent of the baseline read as the same. */
export function toneOf(metric: string, delta: number, deltaPercent: number | null, tolerance = 1): Tone {
  if (delta === 0 || (deltaPercent !== null && Math.abs(deltaPercent) < tolerance)) return 'same';
  const up = delta > 0;
  return up === higherIsBetter.has(metric) ? 'better' : 'worse';
}

/** How each compared metric is written, in the order the tables show them. */
export const comparedMetrics = [
  { key: 'requests', label: 'Requests', unit: 'count' },
  { key: 'rps', label: 'Req/s', unit: 'rate' },
  { key: 'errorRate', label: 'Error rate', unit: 'ratio' },
  { key: 'avgResponseTime', label: 'Mean', unit: 'ms' },
  { key: 'p50', label: 'p50', unit: 'ms' },
  { key: 'p90', label: 'p90', unit: 'ms' },
  { key: 'p95', label: 'p95', unit: 'ms' },
  { key: 'p99', label: 'p99', unit: 'ms' },
  { key: 'maxResponseTime', label: 'Max', unit: 'ms' },
  { key: 'avgLatency', label: 'Latency', unit: 'ms' },
  { key: 'avgConnectionTime', label: 'Connect', unit: 'ms' },
  { key: 'bandwidth', label: 'Bandwidth', unit: 'bytes/s' },
] as const;
