/**
 * Where the engine writes what it measures. The engine only writes (samples, iterations,
 * dropped iterations, the active VU count) and never reads metrics back, so any object with
 * these four methods will do: the metrics `Recorder`, a test's collector, a worker's pipe.
 */
import type { Sample, ScriptMetric } from '@dlt/model';

/** The write-only side of metrics that the engine needs. */
export interface SampleSink {
  /** One HTTP request, failed or not. */
  record(sample: Sample): void;
  /**
   * One iteration of `scenario` ended after `durationMs`; `interrupted` when it was cut short.
   * Open models give `scheduleLagMs`: how late the iteration started after its intended time.
   */
  recordIteration(scenario: string, durationMs: number, interrupted?: boolean, scheduleLagMs?: number): void;
  /** `n` (default 1) open-model iterations of `scenario` could not start: no VU was free. */
  recordDropped(scenario: string, n?: number): void;
  /** The number of VUs active across the whole run changed. */
  setVus(active: number): void;
  /** A check outcome or custom metric value of a script (k6) in `scenario`; sinks that keep none omit it. */
  recordMetric?(scenario: string, point: ScriptMetric): void;
}
