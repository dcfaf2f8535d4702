/**
 * What a script measures besides requests: k6 `check` outcomes and values of its custom
 * metrics (`k6/metrics` Counter, Gauge, Rate, Trend). A VU program hands them to
 * `VuContext.metric`; the recorder counts them per name for the summary and thresholds.
 */

/** One check outcome or one value added to a custom metric. */
export type ScriptMetric =
  | { readonly kind: 'check'; readonly name: string; readonly ok: boolean }
  /** Counter: `value` is added to the total. */
  | { readonly kind: 'counter'; readonly name: string; readonly value: number }
  /** Gauge: `value` is the latest level. */
  | { readonly kind: 'gauge'; readonly name: string; readonly value: number }
  /** Rate: `value` is 1 (a match) or 0. */
  | { readonly kind: 'rate'; readonly name: string; readonly value: number }
  /** Trend: one value of a distribution (milliseconds when it is a time). */
  | { readonly kind: 'trend'; readonly name: string; readonly value: number };
