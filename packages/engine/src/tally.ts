/** Counts what a run did per scenario while passing every write on to the real sink. */
import type { Sample, ScriptMetric } from '@dlt/model';
import type { SampleSink } from './sample-sink.ts';

/** What one executor did. */
export interface ScenarioCounts {
  readonly name: string;
  /** Iterations that ended, interrupted ones included. */
  readonly iterations: number;
  readonly interrupted: number;
  /** Iterations (or VU inits) that threw. */
  readonly errors: number;
  readonly dropped: number;
  readonly requests: number;
  /** The first thing thrown, for the user to see why. */
  readonly firstError?: string;
}

type Counts = { -readonly [K in keyof ScenarioCounts]: ScenarioCounts[K] };

/** A sink in front of the sink: counts, then forwards. */
export class Tally implements SampleSink {
  readonly #sink: SampleSink;
  readonly #byName = new Map<string, Counts>();

  constructor(sink: SampleSink, names: readonly string[]) {
    this.#sink = sink;
    for (const name of names)
      this.#byName.set(name, { name, iterations: 0, interrupted: 0, errors: 0, dropped: 0, requests: 0 });
  }

  record(sample: Sample): void {
    this.#of(sample.scenario).requests++;
    this.#sink.record(sample);
  }

  recordIteration(scenario: string, durationMs: number, interrupted = false, scheduleLagMs?: number): void {
    const c = this.#of(scenario);
    c.iterations++;
    if (interrupted) c.interrupted++;
    this.#sink.recordIteration(scenario, durationMs, interrupted, scheduleLagMs);
  }

  recordDropped(scenario: string, n = 1): void {
    this.#of(scenario).dropped += n;
    this.#sink.recordDropped(scenario, n);
  }

  setVus(active: number): void {
    this.#sink.setVus(active);
  }

  recordMetric(scenario: string, point: ScriptMetric): void {
    this.#sink.recordMetric?.(scenario, point);
  }

  /** Counts an error thrown by an iteration or a VU's init. */
  error(scenario: string, error: unknown): void {
    const c = this.#of(scenario);
    c.errors++;
    c.firstError ??= error instanceof Error ? error.message : String(error);
  }

  counts(): ScenarioCounts[] {
    return [...this.#byName.values()].map((c) => ({ ...c }));
  }

  #of(name: string): Counts {
    let c = this.#byName.get(name);
    if (c === undefined) {
      c = { name, iterations: 0, interrupted: 0, errors: 0, dropped: 0, requests: 0 };
      this.#byName.set(name, c);
    }
    return c;
  }
}
