/** The common run of the closed-model executors with a fixed set of VUs. */
import type { Vu } from '../vu/vu.ts';
import type { ExecutorEnv } from './executor-env.ts';
import { VuLoop } from './vu-loop.ts';

/**
 * Runs `vus` loops gated by `next`: all start now, gracefully stop at `regularMs`, and what
 * still runs `gracefulStopMs` later (or when the signal aborts) is interrupted. Resolves when
 * every loop has ended, which may be early when `next` runs out.
 */
export async function runLoops(
  env: ExecutorEnv,
  vus: number,
  next: (vu: Vu) => boolean,
  regularMs: number,
  gracefulStopMs: number,
): Promise<void> {
  // The clock is checked before each iteration too: a timer may fire a little late.
  const endAt = env.startAt + regularMs;
  const gated = (vu: Vu) => performance.now() < endAt && next(vu);
  const loops = Array.from({ length: vus }, (_, i) => new VuLoop(env.pool.at(i), gated, env.gauge));
  const hardStop = () => {
    for (const loop of loops) loop.hardStop();
  };
  if (env.signal.aborted) return;
  for (const loop of loops) loop.start();
  const elapsed = performance.now() - env.startAt;
  const regular = setTimeout(
    () => {
      for (const loop of loops) loop.gracefulStop();
    },
    Math.max(0, regularMs - elapsed),
  );
  const hard = setTimeout(hardStop, Math.max(0, regularMs + gracefulStopMs - elapsed));
  env.signal.addEventListener('abort', hardStop, { once: true });
  try {
    await Promise.all(loops.map((loop) => loop.done));
  } finally {
    clearTimeout(regular);
    clearTimeout(hard);
    env.signal.removeEventListener('abort', hardStop);
  }
}

/** Any number of iterations per VU. */
export const unbounded = (): boolean => true;

/** At most `n` iterations per VU. */
export const perVu =
  (n: number) =>
  (vu: Vu): boolean =>
    vu.iterations < n;
