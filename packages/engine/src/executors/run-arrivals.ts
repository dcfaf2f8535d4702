/**
 * The common run of the open-model executors: one scheduler loop per executor starts every
 * iteration at its intended time on a free VU, with no timer per arrival.
 */

import type { Vu } from '../vu/vu.ts';
import { wholeMs } from '../whole-ms.ts';
import type { ExecutorEnv } from './executor-env.ts';

/**
 * Starts an iteration at each offset (ms since now) of `offsets`: it wakes, starts every
 * arrival that is due (late ones too, with their intended time, so the lateness is measured),
 * and sleeps until the next one; timers have ms granularity, so at high rates each wake starts
 * a few. With no free VU and the pool at its maximum, an arrival is dropped. After the last
 * arrival it waits for the end of `regularMs` and for running iterations, interrupting them
 * `gracefulStopMs` after `regularMs` or when the signal aborts.
 */
export async function runArrivals(
  env: ExecutorEnv,
  scenario: string,
  offsets: Iterator<number, void>,
  regularMs: number,
  gracefulStopMs: number,
): Promise<void> {
  const t0 = env.startAt;
  const hardMs = regularMs + gracefulStopMs;
  const running = new Running(env);
  const alarm = new Alarm();
  const interrupt = () => env.pool.interruptAll();
  const onAbort = () => {
    interrupt();
    alarm.ring();
  };
  const hard = setTimeout(interrupt, Math.max(0, t0 + hardMs - performance.now()));
  env.signal.addEventListener('abort', onAbort, { once: true });
  try {
    let next = offsets.next();
    while (!next.done && !env.signal.aborted) {
      const now = performance.now() - t0;
      if (!(now < hardMs)) break; // also ends a loop whose clock went wrong (NaN)
      let dropped = 0;
      for (; !next.done && next.value <= now; next = offsets.next()) {
        if (!running.start(t0 + next.value)) dropped++;
      }
      if (dropped > 0) env.sink.recordDropped(scenario, dropped);
      const wait = next.done ? 0 : next.value - (performance.now() - t0);
      if (wait > 0) await alarm.wait(wait);
    }
    const rest = env.signal.aborted ? 0 : countRest(offsets, next);
    if (rest > 0) env.sink.recordDropped(scenario, rest);
    // The executor lasts its whole duration, as in k6, even when its last arrival came earlier
    // (at low rates), so its req/s is over the time it was meant to take.
    const left = regularMs - (performance.now() - t0);
    if (left > 0 && !env.signal.aborted) await alarm.wait(left);
    await running.idle();
  } finally {
    clearTimeout(hard);
    env.signal.removeEventListener('abort', onAbort);
    running.close();
  }
}

/**
 * The scheduler's sleep: one timer at a time and no abort listener per wait (the loop wakes
 * up to a thousand times a second), rung early when the executor is stopped.
 */
class Alarm {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | null = null;
  readonly #onTimer = () => {
    this.#timer = undefined;
    this.#fire();
  };

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(this.#onTimer, wholeMs(ms));
    });
  }

  /** Wakes the waiting loop now. */
  ring(): void {
    clearTimeout(this.#timer);
    this.#fire();
  }

  #fire(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

/** Arrivals never started because the executor's time ran out (a stalled process). */
function countRest(offsets: Iterator<number, void>, next: IteratorResult<number, void>): number {
  if (next.done) return 0;
  let n = 1;
  while (!offsets.next().done) n++;
  return n;
}

/** The iterations in flight, and the pool's VUs counted in the run's gauge. */
class Running {
  readonly #env: ExecutorEnv;
  #inFlight = 0;
  #counted: number;
  #onIdle: (() => void) | null = null;

  constructor(env: ExecutorEnv) {
    this.#env = env;
    this.#counted = env.pool.size;
    env.gauge.add(this.#counted);
  }

  /** Starts one iteration intended at `intendedAt`; false when no VU is free. */
  start(intendedAt: number): boolean {
    const vu = this.#env.pool.acquire();
    if (vu === undefined) return false;
    if (this.#env.pool.size > this.#counted) {
      this.#env.gauge.add(this.#env.pool.size - this.#counted);
      this.#counted = this.#env.pool.size;
    }
    this.#inFlight++;
    void this.#run(vu, intendedAt);
    return true;
  }

  /** Resolves when no iteration runs. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#onIdle = resolve;
    });
  }

  close(): void {
    this.#env.gauge.add(-this.#counted);
    this.#counted = 0;
  }

  /** One arrival's iteration, then its VU back to the pool (no closures per arrival). */
  async #run(vu: Vu, intendedAt: number): Promise<void> {
    let reusable = false;
    try {
      // A VU whose init failed is left out of the pool rather than failing every arrival.
      reusable = (await vu.runIteration(intendedAt)) !== 'broken';
    } catch {
      // Only a throwing sink gets here; the VU is set aside.
    }
    if (reusable) this.#env.pool.release(vu);
    if (--this.#inFlight === 0) this.#onIdle?.();
  }
}
