/**
 * Exponential backoff with jitter, for reconnects and result uploads: the n-th wait is drawn
 * from [d/2, d] with d = min(max, base · 2ⁿ), so agents that lost the server at the same moment
 * do not all come back in the same millisecond, and no wait is ever shorter than half its step.
 */

/** The shape of a backoff: the first step and the cap, ms. */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * The cap of a reconnect's wait while the agent runs a task (default 2 s): the server gives a
   * task's agent 10 s to come back, and a 15 s wait would miss that long after the network is back.
   */
  readonly busyMaxMs?: number;
}

/** The default for reconnects and uploads: 250 ms doubling up to 15 s (2 s while busy). */
export const defaultBackoff: Backoff = { baseMs: 250, maxMs: 15_000, busyMaxMs: 2_000 };

/** How long to wait before attempt `attempt` (0 is the first retry); `random` is in [0, 1). */
export function backoffMs(
  attempt: number,
  backoff: Backoff = defaultBackoff,
  random: () => number = Math.random,
): number {
  // 2^attempt overflows to Infinity long after it passed any sane cap; min() keeps it finite.
  const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (step / 2) * random());
}

/** Resolves after `ms`, or at once (false) when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
