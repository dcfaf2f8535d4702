/**
 * Normalised executor specifications: what the engine runs. Every time is in milliseconds and
 * every default is already applied, so the engine never re-reads the user's file. The meaning
 * of each executor and option is exactly k6's.
 */

export const executorNames = [
  'constant-vus',
  'ramping-vus',
  'shared-iterations',
  'per-vu-iterations',
  'constant-arrival-rate',
  'ramping-arrival-rate',
] as const;
export type ExecutorName = (typeof executorNames)[number];

/** One ramp stage: move linearly to `target` (VUs or iterations per time unit) over `durationMs`. */
export interface Stage {
  readonly durationMs: number;
  readonly target: number;
}

interface ExecutorBase {
  /** The execution's name (k6's scenario name), used as the `scenario` of its samples. */
  readonly name: string;
  /** Which VU program (scenario of the test file) each iteration runs. */
  readonly program: string;
  readonly startTimeMs: number;
  readonly gracefulStopMs: number;
}

export interface ConstantVus extends ExecutorBase {
  readonly executor: 'constant-vus';
  readonly vus: number;
  readonly durationMs: number;
  /** Taurus `iterations` beside `hold-for`: each VU stops after this many iterations. */
  readonly iterationsPerVu?: number;
}

export interface RampingVus extends ExecutorBase {
  readonly executor: 'ramping-vus';
  readonly startVus: number;
  readonly stages: readonly Stage[];
  readonly gracefulRampDownMs: number;
  readonly iterationsPerVu?: number;
}

export interface SharedIterations extends ExecutorBase {
  readonly executor: 'shared-iterations';
  readonly vus: number;
  readonly iterations: number;
  readonly maxDurationMs: number;
}

export interface PerVuIterations extends ExecutorBase {
  readonly executor: 'per-vu-iterations';
  readonly vus: number;
  readonly iterations: number;
  readonly maxDurationMs: number;
}

/**
 * A share of an open-model schedule: this executor starts only the arrivals whose 0-based index
 * `i` has `i % count === index`. Worker threads (and tasks) split one schedule this way, so
 * together they send exactly the arrivals, at exactly the times, of the unsplit executor.
 */
export interface Stripe {
  readonly index: number;
  readonly count: number;
}

export interface ConstantArrivalRate extends ExecutorBase {
  readonly executor: 'constant-arrival-rate';
  readonly stripe?: Stripe;
  readonly rate: number;
  readonly timeUnitMs: number;
  readonly durationMs: number;
  readonly preAllocatedVus: number;
  readonly maxVus: number;
}

export interface RampingArrivalRate extends ExecutorBase {
  readonly executor: 'ramping-arrival-rate';
  readonly stripe?: Stripe;
  readonly startRate: number;
  readonly timeUnitMs: number;
  readonly stages: readonly Stage[];
  readonly preAllocatedVus: number;
  readonly maxVus: number;
}

export type ExecutorSpec =
  | ConstantVus
  | RampingVus
  | SharedIterations
  | PerVuIterations
  | ConstantArrivalRate
  | RampingArrivalRate;

/** Whether an executor schedules iterations itself (open model) or loops VUs (closed model). */
export function isOpenModel(e: ExecutorSpec): e is ConstantArrivalRate | RampingArrivalRate {
  return e.executor === 'constant-arrival-rate' || e.executor === 'ramping-arrival-rate';
}
