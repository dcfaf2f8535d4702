/** constant-arrival-rate: iterations start at a fixed rate whatever the target does (open model). */
import type { ConstantArrivalRate } from '@dlt/model';
import { arrivalOffsets } from '../plan/arrival-offsets.ts';
import type { ExecutorEnv } from './executor-env.ts';
import { runArrivals } from './run-arrivals.ts';

/** Starts `rate` iterations per `timeUnitMs` for `durationMs` on VUs from the pool. */
export function constantArrivalRate(spec: ConstantArrivalRate, env: ExecutorEnv): Promise<void> {
  return runArrivals(env, spec.name, arrivalOffsets(spec), spec.durationMs, spec.gracefulStopMs);
}
