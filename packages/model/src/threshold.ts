/**
 * Thresholds in k6's syntax: `{ "http_req_duration{label:login}": ["p(95)<300", { threshold: "avg<100", abortOnFail: true }] }`.
 * Parsing is pure and lives here so front-ends can validate a file before anything runs;
 * evaluation lives in `metrics`.
 */

export const thresholdOperators = ['<', '<=', '>', '>=', '==', '===', '!='] as const;
export type ThresholdOperator = (typeof thresholdOperators)[number];

/** `avg`, `min`, `max`, `med`, `count`, `rate`, `value`, or `p(N)`. */
export type ThresholdAggregation =
  | { readonly kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'value' }
  | { readonly kind: 'percentile'; readonly p: number };

export interface ThresholdSpec {
  /** The key as the user wrote it, e.g. `http_req_duration{label:login}`. */
  readonly key: string;
  /** Metric name without tags: `http_req_duration`. */
  readonly metric: string;
  /** Tag filter of a sub-metric: `{ label: "login" }`. */
  readonly tags: Readonly<Record<string, string>>;
  /** The expression as written: `p(95)<300`. */
  readonly expression: string;
  readonly aggregation: ThresholdAggregation;
  readonly operator: ThresholdOperator;
  readonly value: number;
  readonly abortOnFail: boolean;
  /** With `abortOnFail`, wait this long after the start before evaluating (k6 `delayAbortEval`). */
  readonly delayAbortEvalMs: number;
}
