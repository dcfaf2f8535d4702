/** Counts the VUs active across every executor of a run and reports each change. */
import type { SampleSink } from '../sample-sink.ts';

/** One per run: executors add and remove VUs, the sink (and a listener) see the total. */
export class VuGauge {
  #active = 0;
  readonly #sink: SampleSink;
  readonly #onVus: ((active: number) => void) | undefined;

  constructor(sink: SampleSink, onVus?: (active: number) => void) {
    this.#sink = sink;
    this.#onVus = onVus;
  }

  get active(): number {
    return this.#active;
  }

  /** Adds `delta` (negative to remove) active VUs. */
  add(delta: number): void {
    if (delta === 0) return;
    this.#active += delta;
    this.#sink.setVus(this.#active);
    this.#onVus?.(this.#active);
  }
}
