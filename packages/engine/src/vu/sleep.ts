/** An abortable sleep that never rejects, for think time and for the engine's own waits. */

/** Resolves after `ms`, or as soon as `signal` aborts; at once when `ms` is not positive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || !(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Sleeps until the monotonic instant `at` (`performance.now()` ms). */
export function sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
  return sleep(at - performance.now(), signal);
}
