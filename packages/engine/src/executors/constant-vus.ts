/** constant-vus: a fixed number of VUs loop for a duration (closed model). */
import type { ConstantVus } from '@dlt/model';
import type { ExecutorEnv } from './executor-env.ts';
import { perVu, runLoops, unbounded } from './run-loops.ts';

/** `vus` VUs iterate for `durationMs` (each at most `iterationsPerVu` times), then stop gracefully. */
export function constantVus(spec: ConstantVus, env: ExecutorEnv): Promise<void> {
  const next = spec.iterationsPerVu === undefined ? unbounded : perVu(spec.iterationsPerVu);
  return runLoops(env, spec.vus, next, spec.durationMs, spec.gracefulStopMs);
}
