/**
 * A connection's request timeout, cheap enough to start on every request: starting only
 * records a deadline; one timer is armed when none is pending, and when a timer set for an
 * earlier request fires early it re-arms itself for the time left.
 */
import { wholeMs } from '../whole-ms.ts';

export class Deadline {
  /** The timeout of the current run, for messages. */
  ms = 0;
  #onExpire: () => void;
  #active = false;
  #deadline = 0;
  #timer: NodeJS.Timeout | null = null;
  /** When the pending timer fires; a sooner deadline re-arms it. */
  #timerAt = 0;

  /** `onExpire` runs when a started deadline passes before `stop()`. */
  constructor(onExpire: () => void) {
    this.#onExpire = onExpire;
  }

  /** Starts counting `ms` from `startedAt` (a `performance.now()` reading). */
  start(startedAt: number, ms: number): void {
    this.#active = true;
    this.#deadline = startedAt + ms;
    this.ms = ms;
    if (this.#timer !== null && this.#timerAt <= this.#deadline) return;
    if (this.#timer !== null) clearTimeout(this.#timer); // it would fire after this sooner deadline
    this.#arm(ms);
  }

  stop(): void {
    this.#active = false;
  }

  /** Stops and releases the timer. */
  clear(): void {
    this.#active = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(ms: number): void {
    this.#timerAt = performance.now() + ms;
    this.#timer = setTimeout(this.#fire, wholeMs(ms));
    this.#timer.unref(); // a request in flight has a socket or DNS lookup keeping the process alive
  }

  #fire = (): void => {
    this.#timer = null;
    if (!this.#active) return;
    const left = this.#deadline - performance.now();
    if (left > 0) this.#arm(left);
    else {
      this.#active = false;
      this.#onExpire();
    }
  };
}
