/** An abortable sleep that never rejects, for think time and for the engine's own waits. */
import { wholeMs } from '../whole-ms.ts';

/** Resolves after `ms`, or as soon as `signal` aborts; at once when `ms` is not positive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || !(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, wholeMs(ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Sleeps until the monotonic instant `at` (`performance.now()` ms), never waking before it:
 * timers count from the event loop's cached time, so they can fire a fraction of a ms early.
 */
export async function sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
  for (let left = at - performance.now(); left > 0 && !signal?.aborted; left = at - performance.now()) {
    await sleep(Math.max(left, 1), signal);
  }
}
