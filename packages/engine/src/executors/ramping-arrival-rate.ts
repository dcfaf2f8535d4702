/** ramping-arrival-rate: the iteration rate follows the stages (open model). */
import type { RampingArrivalRate } from '@dlt/model';
import { arrivalOffsets } from '../plan/arrival-offsets.ts';
import { stagesMs } from '../plan/plan-vus.ts';
import type { ExecutorEnv } from './executor-env.ts';
import { runArrivals } from './run-arrivals.ts';

/** Starts iterations at the rate of the stages (exactly its integral) on VUs from the pool. */
export function rampingArrivalRate(spec: RampingArrivalRate, env: ExecutorEnv): Promise<void> {
  return runArrivals(env, spec.name, arrivalOffsets(spec), stagesMs(spec.stages), spec.gracefulStopMs);
}
