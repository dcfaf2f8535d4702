/** per-vu-iterations: each VU runs exactly `iterations` iterations (closed model). */
import type { PerVuIterations } from '@dlt/model';
import type { ExecutorEnv } from './executor-env.ts';
import { perVu, runLoops } from './run-loops.ts';

/** Every one of `vus` VUs runs `iterations` iterations, unless `maxDurationMs` ends it first. */
export function perVuIterations(spec: PerVuIterations, env: ExecutorEnv): Promise<void> {
  return runLoops(env, spec.vus, perVu(spec.iterations), spec.maxDurationMs, spec.gracefulStopMs);
}
