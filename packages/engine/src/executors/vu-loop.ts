/**
 * A closed-model VU: a loop of iterations with k6's three controls. `start` runs it (or keeps
 * it running if it was stopping), `gracefulStop` lets the current iteration finish and starts
 * no other, `hardStop` also interrupts the current iteration.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Vu } from '../vu/vu.ts';
import type { VuGauge } from '../vu/vu-gauge.ts';

/** Iterations in a row before the loop yields to the event loop, should they never wait on I/O. */
const turnEvery = 32;

/** Runs `vu` while it is started and `next(vu)` allows another iteration. */
export class VuLoop {
  readonly #vu: Vu;
  readonly #next: (vu: Vu) => boolean;
  readonly #gauge: VuGauge;
  #state: 'idle' | 'running' | 'stopping' = 'idle';
  #done: Promise<void> = Promise.resolve();

  constructor(vu: Vu, next: (vu: Vu) => boolean, gauge: VuGauge) {
    this.#vu = vu;
    this.#next = next;
    this.#gauge = gauge;
  }

  /** Resolves when the loop is idle again (read it after the last `start`). */
  get done(): Promise<void> {
    return this.#done;
  }

  start(): void {
    if (this.#state === 'idle') this.#done = this.#loop();
    this.#state = 'running';
  }

  gracefulStop(): void {
    if (this.#state === 'running') this.#state = 'stopping';
  }

  hardStop(): void {
    if (this.#state === 'idle') return;
    this.#state = 'stopping';
    this.#vu.interrupt();
  }

  async #loop(): Promise<void> {
    this.#gauge.add(1);
    try {
      // The state is set to running right after this call returns; iterations start from here.
      await Promise.resolve();
      for (let n = 1; this.#state === 'running' && this.#next(this.#vu); n++) {
        if ((await this.#vu.runIteration()) === 'broken') break;
        if (n % turnEvery === 0) await nextTurn();
      }
    } finally {
      this.#state = 'idle';
      this.#gauge.add(-1);
    }
  }
}
