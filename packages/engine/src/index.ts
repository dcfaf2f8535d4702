/** The engine: the plan, the six executors, virtual users, `runTest`, and the HTTP client. */
export { constantArrivalRate } from './executors/constant-arrival-rate.ts';
export { constantVus } from './executors/constant-vus.ts';
export type { ExecutorEnv } from './executors/executor-env.ts';
export { perVuIterations } from './executors/per-vu-iterations.ts';
export { rampingArrivalRate } from './executors/ramping-arrival-rate.ts';
export { rampingVus } from './executors/ramping-vus.ts';
export { sharedIterations } from './executors/shared-iterations.ts';
export * from './http/index.ts';
export { arrivalCount, arrivalOffsets } from './plan/arrival-offsets.ts';
export { maxDurationMs, type PlanStep, peakVus, planVus, rampingVusSteps, regularDurationMs } from './plan/plan-vus.ts';
export { longestEndMs, type RunOptions, type RunResult, runExecutor, runTest } from './run.ts';
export type { SampleSink } from './sample-sink.ts';
export type { ScenarioCounts } from './tally.ts';
export { sleep } from './vu/sleep.ts';
export { type IterationOutcome, Vu, type VuOptions } from './vu/vu.ts';
export { VuGauge } from './vu/vu-gauge.ts';
export { VuPool } from './vu/vu-pool.ts';
