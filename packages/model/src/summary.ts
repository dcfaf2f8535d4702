/**
 * The end-of-test summary: what `dlt run --out json=PATH` writes and what the server returns for
 * a run. Times are in milliseconds.
 */

export const percentileKeys = ['p50', 'p90', 'p95', 'p99', 'p99.9'] as const;

export interface TimeStats {
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly 'p99.9': number;
  readonly max: number;
  /** Standard deviation. */
  readonly stdev: number;
}

export interface LabelSummary {
  readonly requests: number;
  readonly failures: number;
  /** Requests per second over the test's duration. */
  readonly rps: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** Bytes received per second. */
  readonly bandwidth: number;
  /** From the intended send time to the last byte. */
  readonly responseTime: TimeStats;
  /** From the intended send time to the first byte. */
  readonly latency: TimeStats;
  /** DNS + TCP connect + TLS handshake, for requests that opened a connection. */
  readonly connectTime: TimeStats;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
}

export interface ThresholdOutcome {
  readonly ok: boolean;
  /** The observed value the expression was checked against. */
  readonly actual?: number;
}

/** A custom metric (k6/metrics) in the summary. */
export type CustomMetricSummary =
  | { readonly type: 'counter'; readonly count: number; readonly rate: number }
  | { readonly type: 'rate'; readonly rate: number; readonly matches: number; readonly total: number }
  | { readonly type: 'gauge'; readonly value: number; readonly min: number; readonly max: number }
  | { readonly type: 'trend'; readonly stats: TimeStats; readonly count: number };

export interface RunSummary {
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly totals: LabelSummary;
  readonly labels: Readonly<Record<string, LabelSummary>>;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly iterations: number;
  /** Iterations cut short by the end of the test or a stop (not in `iterations`). */
  readonly interruptedIterations?: number;
  /** Durations of the completed iterations. */
  readonly iterationDuration?: TimeStats;
  readonly droppedIterations: number;
  readonly vusMax: number;
  /** Open models: how late iterations started after their intended time (the generator's own lag). */
  readonly scheduleLag?: TimeStats;
  /** Keyed by `metric: expression`, e.g. `http_req_duration: p(95)<300`. */
  readonly thresholds: Readonly<Record<string, ThresholdOutcome>>;
  /** Checks by name (k6 scripts): passes and fails. */
  readonly checks?: Readonly<Record<string, { readonly passes: number; readonly fails: number }>>;
  /** Custom metrics by name (k6 scripts). */
  readonly metrics?: Readonly<Record<string, CustomMetricSummary>>;
  /** What a reader should know that the numbers do not say (labels folded, values clamped). */
  readonly warnings?: readonly string[];
}
