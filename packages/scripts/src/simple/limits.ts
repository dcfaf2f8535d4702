/**
 * The hard caps a test must stay under (duration, VUs, iteration rate) and the measures of an
 * executor they are checked against. An installation or a user may lower them.
 */
import type { ExecutorSpec, PathProblem } from '@dlt/model';
import { formatDuration } from '@dlt/model';

/** Caps on one test. */
export interface Limits {
  /** Longest run from the start to the end of the last execution (graceful stops not counted). */
  readonly maxDurationMs: number;
  /** Most VUs across all executions. */
  readonly maxVus: number;
  /** Most iterations per second across all arrival-rate executions. */
  readonly maxRate: number;
}

/** The global defaults: the seed's 4-hour cap, and room for far more load than one agent makes. */
export const defaultLimits: Limits = { maxDurationMs: 4 * 3_600_000, maxVus: 100_000, maxRate: 1_000_000 };

const sum = (stages: readonly { durationMs: number }[]) => stages.reduce((t, s) => t + s.durationMs, 0);

/** How long an execution may run, from its own start (max-duration for the iteration executors). */
export function executionDurationMs(e: ExecutorSpec): number {
  switch (e.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return e.durationMs;
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return sum(e.stages);
    case 'shared-iterations':
    case 'per-vu-iterations':
      return e.maxDurationMs;
  }
}

/** The most VUs an execution can hold at once. */
export function executionMaxVus(e: ExecutorSpec): number {
  switch (e.executor) {
    case 'constant-vus':
    case 'shared-iterations':
    case 'per-vu-iterations':
      return e.vus;
    case 'ramping-vus':
      return Math.max(e.startVus, ...e.stages.map((s) => s.target));
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return e.maxVus;
  }
}

/** The highest iteration rate per second an execution asks for (0 for closed models). */
export function executionMaxRate(e: ExecutorSpec): number {
  switch (e.executor) {
    case 'constant-arrival-rate':
      return (e.rate * 1_000) / e.timeUnitMs;
    case 'ramping-arrival-rate':
      return (Math.max(e.startRate, ...e.stages.map((s) => s.target)) * 1_000) / e.timeUnitMs;
    case 'constant-vus':
    case 'ramping-vus':
    case 'shared-iterations':
    case 'per-vu-iterations':
      return 0;
  }
}

/**
 * Checks every execution (and their sum) against the limits. `indexes[i]` is the position of
 * `specs[i]` in the file's `execution` list, for the problem's path.
 */
export function checkLimits(specs: readonly ExecutorSpec[], limits: Limits): PathProblem[] {
  const problems: PathProblem[] = [];
  const over = (what: (e: ExecutorSpec) => number, cap: number, say: (n: number) => string) => {
    let total = 0;
    specs.forEach((e, i) => {
      const n = what(e);
      total += n;
      if (n > cap) problems.push({ path: ['execution', i], message: say(n) });
    });
    if (total > cap && !specs.some((e) => what(e) > cap))
      problems.push({ path: ['execution'], message: `${say(total)} in all` });
  };
  specs.forEach((e, i) => {
    const end = e.startTimeMs + executionDurationMs(e);
    if (end > limits.maxDurationMs) {
      const message = `runs until ${formatDuration(end)}, past the limit of ${formatDuration(limits.maxDurationMs)} per test`;
      problems.push({ path: ['execution', i], message });
    }
  });
  over(executionMaxVus, limits.maxVus, (n) => `${n} VUs, more than the limit of ${limits.maxVus}`);
  over(executionMaxRate, limits.maxRate, (n) => `${round(n)} iterations/s, more than the limit of ${limits.maxRate}`);
  return problems;
}

function round(n: number): number {
  return Math.round(n * 1_000) / 1_000;
}
