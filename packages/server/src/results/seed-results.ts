/**
 * The seed's `results` shape — `{ total: R, <region>: R }`, each R with `labels: [R + label]` —
 * computed exactly: counts and bytes summed, every time read from merged histograms (the seed
 * averages each task's percentiles). Times are seconds as strings, like the seed's, but with
 * six decimals (microseconds) rather than three, so nothing the histograms know is rounded away.
 */
import { timeStats } from '@dlt/metrics';
import type { LabelResult, TaskResult } from '@dlt/model';

export interface SeedRow {
  /** The request count (the seed's name), not a rate. */
  readonly throughput: number;
  readonly succ: number;
  readonly fail: number;
  readonly avg_rt: string;
  readonly avg_lt: string;
  readonly avg_ct: string;
  readonly stdev_rt: string;
  readonly p0_0: string;
  readonly p50_0: string;
  readonly p90_0: string;
  readonly p95_0: string;
  readonly p99_0: string;
  readonly p99_9: string;
  readonly p100_0: string;
  /** Bytes received, summed over tasks. */
  readonly bytes: string;
  /** Most VUs at once, over all tasks. */
  readonly concurrency: string;
  /** Seconds. */
  readonly testDuration: string;
  /** Responses whose status is not a success, by code (`0`: no response). */
  readonly rc: readonly { readonly code: string; readonly count: number }[];
}

export interface SeedResult extends SeedRow {
  readonly labels: readonly (SeedRow & { readonly label: string })[];
}

const seconds = (ms: number) => (ms / 1000).toFixed(6);

/** What the seed leaves out of `rc`: 200, 201, 202, 204, 3xx and 101 (a 203 or 206 is listed). */
const isSuccessCode = (code: string) => /^(20[0124]|3\d\d|101)$/.test(code);

function row(label: LabelResult, durationMs: number, vus: number): SeedRow {
  const rt = timeStats(label.responseTime);
  return {
    throughput: label.requests,
    succ: label.requests - label.failures,
    fail: label.failures,
    avg_rt: seconds(rt.mean),
    avg_lt: seconds(timeStats(label.latency).mean),
    avg_ct: seconds(timeStats(label.connectTime).mean),
    stdev_rt: seconds(rt.stdev),
    p0_0: seconds(rt.min),
    p50_0: seconds(rt.p50),
    p90_0: seconds(rt.p90),
    p95_0: seconds(rt.p95),
    p99_0: seconds(rt.p99),
    p99_9: seconds(rt['p99.9']),
    p100_0: seconds(rt.max),
    bytes: String(label.bytesReceived),
    concurrency: String(vus),
    testDuration: String(Math.round(durationMs / 1000)),
    rc: Object.entries(label.statusCodes)
      .filter(([code, n]) => n > 0 && !isSuccessCode(code))
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => (a.code < b.code ? -1 : 1)),
  };
}

/** One R of the seed's results: a merged result's totals and each of its labels. */
export function seedResult(result: TaskResult): SeedResult {
  const durationMs = Math.max(0, result.endedAt - result.startedAt);
  const labels = Object.entries(result.labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, l]) => ({ ...row(l, durationMs, result.vusMax), label }));
  return { ...row(result.totals, durationMs, result.vusMax), labels };
}

/** The seed's `results`: `total` and one entry per region. */
export function seedResults(
  total: TaskResult,
  regions: Readonly<Record<string, TaskResult>>,
): Record<string, SeedResult> {
  const out: Record<string, SeedResult> = { total: seedResult(total) };
  for (const [region, r] of Object.entries(regions)) out[region] = seedResult(r);
  return out;
}
