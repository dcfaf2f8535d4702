/** Timer durations for `setTimeout`, in whole milliseconds. */

/**
 * `ms` rounded up to whole milliseconds, for `setTimeout`. Node keeps one timer list per
 * duration in an object keyed by it, so fractional durations (an open model's waits are) add
 * a new property, and a new hidden class, on nearly every call; timers fire on whole ms anyway.
 */
export function wholeMs(ms: number): number {
  return Math.ceil(ms);
}
