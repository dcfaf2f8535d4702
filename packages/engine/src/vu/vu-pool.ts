/**
 * The VUs of one executor. Closed models address them by index; open models borrow an idle
 * one per arrival and give it back, the pool growing on demand up to its maximum.
 */
import type { Vu } from './vu.ts';

/** A bounded, growable set of VUs made by `make`. */
export class VuPool {
  readonly #make: () => Vu;
  readonly #max: number;
  readonly #all: Vu[] = [];
  readonly #idle: Vu[] = [];

  constructor(make: () => Vu, max: number) {
    this.#make = make;
    this.#max = max;
  }

  /** VUs made so far. */
  get size(): number {
    return this.#all.length;
  }

  get max(): number {
    return this.#max;
  }

  /** The i-th VU (0-based), made if needed. */
  at(i: number): Vu {
    while (this.#all.length <= i) this.#add();
    return this.#all[i];
  }

  /** Makes VUs up to `n` (capped at the maximum) and runs their `init`, before the start. */
  async warm(n: number): Promise<void> {
    const want = Math.min(n, this.#max);
    while (this.#all.length < want) this.#add();
    await Promise.all(this.#all.slice(0, want).map((vu) => vu.init()));
  }

  /** An idle VU, or a new one while below the maximum; undefined when every VU is busy. */
  acquire(): Vu | undefined {
    const vu = this.#idle.pop();
    if (vu !== undefined) return vu;
    if (this.#all.length >= this.#max) return undefined;
    return this.#add(false);
  }

  /** Gives back a VU taken with `acquire`. */
  release(vu: Vu): void {
    this.#idle.push(vu);
  }

  /** Hard-stops every VU's running iteration. */
  interruptAll(): void {
    for (const vu of this.#all) vu.interrupt();
  }

  /** Closes every VU's connections. */
  close(): void {
    for (const vu of this.#all) vu.close();
  }

  #add(idle = true): Vu {
    const vu = this.#make();
    this.#all.push(vu);
    if (idle) this.#idle.push(vu);
    return vu;
  }
}
