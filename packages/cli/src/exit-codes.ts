/** Exit codes CI can rely on (k6's 99 for crossed thresholds). */
export const exitCodes = {
  ok: 0,
  error: 1,
  badInput: 2,
  thresholdsCrossed: 99,
} as const;
