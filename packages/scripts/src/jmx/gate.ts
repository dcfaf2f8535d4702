/**
 * Orders thread groups on one process: setUp groups before the others, tearDown groups after.
 * Each thread of the earlier groups enters the gate when made and leaves when it has done its
 * loops (or stopped); threads of the later groups wait at their first iteration until it is
 * empty, or at most `boundMs` (an earlier group that ends by time, not by loops).
 */

/** A count of unfinished threads that others can wait on. */
export class Gate {
  #pending = 0;
  #waiters: (() => void)[] = [];

  /** A thread that must finish first. */
  enter(): void {
    this.#pending++;
  }

  /** That thread has finished. */
  leave(): void {
    if (this.#pending === 0) return;
    if (--this.#pending > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when every entered thread has left, or `sleep(boundMs)` ends first. */
  wait(sleep: (ms: number) => Promise<void>, boundMs: number): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    const opened = new Promise<void>((resolve) => this.#waiters.push(resolve));
    return Promise.race([opened, sleep(boundMs)]);
  }
}
