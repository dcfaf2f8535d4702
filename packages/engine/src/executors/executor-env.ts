/** What every executor runs with: its VUs, the stop signal, the sink and the run's VU gauge. */
import type { SampleSink } from '../sample-sink.ts';
import type { VuGauge } from '../vu/vu-gauge.ts';
import type { VuPool } from '../vu/vu-pool.ts';

export interface ExecutorEnv {
  /** This executor's VUs (already warmed for its start). */
  readonly pool: VuPool;
  /** Aborting it hard-stops the executor: running iterations are interrupted. */
  readonly signal: AbortSignal;
  readonly sink: SampleSink;
  readonly gauge: VuGauge;
  /**
   * The instant (`performance.now()`) the executor is meant to start: its schedule counts from
   * here, not from when the call happened, so executors and agents stay aligned.
   */
  readonly startAt: number;
}
