/** Exit codes CI can rely on (k6's 99 for crossed thresholds). */
export const exitCodes = {
  ok: 0,
  error: 1,
  badInput: 2,
  /** `dlt convert`: written, but something could not be carried over (listed on stderr). */
  incomplete: 3,
  thresholdsCrossed: 99,
} as const;
