/**
 * A task result is everything one task measured, as plain JSON: counters and encoded HDR
 * histograms per label, iterations per scenario, and the per-second timeline. Agents upload it;
 * the server adds results of many tasks together exactly (histograms are added, never averaged).
 */
import type { EncodedHistogram, Snapshot } from './snapshot.ts';

/** The format tag of `TaskResult`; a reader refuses a format it does not know. */
export const taskResultFormat = 'dlt.task-result/1';

/** The label that collects requests once a task has seen too many distinct labels. */
export const otherLabel = '__other__';

/** Counters and histograms of one label, or of all labels together. */
export interface LabelResult {
  readonly requests: number;
  readonly failures: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Keyed by HTTP status as a string; `"0"` counts requests that got no response. */
  readonly statusCodes: Readonly<Record<string, number>>;
  /** Keyed by error kind (`ErrorKind`). */
  readonly errors: Readonly<Record<string, number>>;
  /** From the intended send time to the last byte. */
  readonly responseTime: EncodedHistogram;
  /** From the intended send time to the first byte. */
  readonly latency: EncodedHistogram;
  /** DNS + TCP connect + TLS, only for requests that opened a connection. */
  readonly connectTime: EncodedHistogram;
}

/** Iterations of one scenario (k6 scenario, Taurus execution). */
export interface ScenarioResult {
  /** Iterations that ran to their end. */
  readonly iterations: number;
  /** Iterations cut short by the end of the test or a stop. */
  readonly interruptedIterations: number;
  readonly droppedIterations: number;
  /** Durations of the completed iterations. */
  readonly iterationDuration: EncodedHistogram;
  /**
   * Open models: how late each iteration started after its intended time (the scheduler's own
   * lag, not the target's). Absent or empty for closed models.
   */
  readonly scheduleLag?: EncodedHistogram;
}

/** Outcomes of one check (k6 `check`). */
export interface CheckResult {
  readonly passes: number;
  readonly fails: number;
}

/** What a script's custom metric (k6/metrics) holds for the whole test. */
export type CustomMetricResult =
  /** The sum of the values added. */
  | { readonly type: 'counter'; readonly count: number }
  /** How many values were non-zero, of how many. */
  | { readonly type: 'rate'; readonly matches: number; readonly total: number }
  /** The last value (set at `at`, epoch ms), and the least and most ever set. */
  | { readonly type: 'gauge'; readonly value: number; readonly min: number; readonly max: number; readonly at: number }
  /** Every value, in an HDR histogram like response times (values read as milliseconds). */
  | { readonly type: 'trend'; readonly histogram: EncodedHistogram };

/** What one task measured, or many tasks merged. */
export interface TaskResult {
  readonly format: typeof taskResultFormat;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly totals: LabelResult;
  readonly labels: Readonly<Record<string, LabelResult>>;
  /** All scenarios together. */
  readonly iterations: ScenarioResult;
  readonly scenarios: Readonly<Record<string, ScenarioResult>>;
  /** Most VUs active at once. */
  readonly vusMax: number;
  /**
   * Distinct labels beyond the task's label cap, counted under `__other__` (0: none). After a
   * merge, the largest count of any one task.
   */
  readonly foldedLabels: number;
  /** Measurements above the histograms' range (1 h), recorded as 1 h. */
  readonly clampedValues: number;
  /** One snapshot per second, oldest first, at most one per `at`. */
  readonly timeline: readonly Snapshot[];
  /** Checks by name (k6 scripts); absent when the test made none. */
  readonly checks?: Readonly<Record<string, CheckResult>>;
  /**
   * Sub-metrics thresholds name (`http_req_duration{scenario:buy}`): the requests matching each
   * selector, keyed by its canonical form (`scenario:buy`, tags sorted, `name` read as `label`).
   * Absent when the test's thresholds name none, and in results recorded before they existed.
   */
  readonly submetrics?: Readonly<Record<string, LabelResult>>;
  /** Custom metrics by name (k6 scripts); absent when the test has none. */
  readonly metrics?: Readonly<Record<string, CustomMetricResult>>;
}
