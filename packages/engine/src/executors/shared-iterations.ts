/** shared-iterations: a fixed total of iterations shared by the VUs; faster VUs do more. */
import type { SharedIterations } from '@dlt/model';
import type { ExecutorEnv } from './executor-env.ts';
import { runLoops } from './run-loops.ts';

/** `iterations` iterations in all, taken one at a time by up to `vus` VUs, within `maxDurationMs`. */
export function sharedIterations(spec: SharedIterations, env: ExecutorEnv): Promise<void> {
  let left = spec.iterations;
  const take = (): boolean => {
    if (left <= 0) return false;
    left--;
    return true;
  };
  const vus = Math.min(spec.vus, spec.iterations);
  return runLoops(env, vus, take, spec.maxDurationMs, spec.gracefulStopMs);
}
