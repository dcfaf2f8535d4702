/**
 * Load overrides from the command line, with k6's meaning: `--duration` (with or without
 * `--vus`) makes every execution constant-vus, `--iterations` makes it shared-iterations
 * (capped by `--duration` when given), and `--vus` alone changes the VU count of executors
 * that have one. The execution's name, scenario, start time and graceful stop are kept.
 */
import type { ExecutorSpec, Problem } from '@dlt/model';
import { durationHint, tryParseDuration } from '@dlt/model';
import { k6Defaults } from './executors.ts';
import { executionMaxVus } from './limits.ts';

/** What `-u/--vus`, `-d/--duration` and `-i/--iterations` ask for. */
export interface LoadOverrides {
  readonly vus?: number;
  readonly duration?: string | number;
  readonly iterations?: number;
  /** The target of a locustfile (`-u/--url`: Locust's `--host`); other formats have their own URLs. */
  readonly url?: string;
}

/** Overridden specs, the problems of the override values, and notes for options that did not apply. */
export interface Overridden {
  readonly specs: readonly ExecutorSpec[];
  readonly problems: readonly Problem[];
  readonly warnings: readonly string[];
}

function wholeProblem(field: string, n: number | undefined): Problem[] {
  if (n === undefined || (Number.isInteger(n) && n >= 1)) return [];
  return [{ field, message: `must be a whole number of at least 1, got ${n}` }];
}

/** Applies the overrides to every spec; no overrides returns the specs unchanged. */
export function applyOverrides(specs: readonly ExecutorSpec[], o: LoadOverrides = {}): Overridden {
  const problems = [...wholeProblem('--vus', o.vus), ...wholeProblem('--iterations', o.iterations)];
  const duration = o.duration === undefined ? undefined : tryParseDuration(o.duration);
  if (duration !== undefined && !duration.ok)
    problems.push({ field: '--duration', message: duration.message, hint: durationHint });
  else if (duration?.ok && duration.ms === 0) problems.push({ field: '--duration', message: 'must be more than 0' });
  if (o.vus !== undefined && o.iterations !== undefined && o.iterations < o.vus) {
    problems.push({ field: '--iterations', message: `${o.iterations} iterations cannot be shared by ${o.vus} VUs` });
  }
  if (problems.length > 0) return { specs, problems, warnings: [] };
  const durationMs = duration?.ok ? duration.ms : undefined;
  const warnings: string[] = [];
  const out = specs.map((e) => overrideOne(e, o, durationMs, { problems, warnings }));
  return { specs: out, problems, warnings };
}

type Notes = { problems: Problem[]; warnings: string[] };

function overrideOne(e: ExecutorSpec, o: LoadOverrides, durationMs: number | undefined, notes: Notes): ExecutorSpec {
  const b = { name: e.name, program: e.program, startTimeMs: e.startTimeMs, gracefulStopMs: e.gracefulStopMs };
  const vus = o.vus ?? executionMaxVus(e);
  if (o.iterations !== undefined) {
    // Without --vus, never more VUs than iterations: `--iterations 1` means "run it once".
    const shared = o.vus ?? Math.max(1, Math.min(vus, o.iterations));
    const maxDurationMs = durationMs ?? k6Defaults.maxDurationMs;
    return { ...b, executor: 'shared-iterations', vus: shared, iterations: o.iterations, maxDurationMs };
  }
  if (durationMs !== undefined) return { ...b, executor: 'constant-vus', vus: Math.max(1, vus), durationMs };
  if (o.vus === undefined) return e;
  switch (e.executor) {
    case 'shared-iterations':
      if (e.iterations < o.vus) {
        const message = `${o.vus} VUs cannot share the ${e.iterations} iterations of execution ${e.name}`;
        notes.problems.push({ field: '--vus', message });
      }
      return { ...e, vus: o.vus };
    case 'constant-vus':
    case 'per-vu-iterations':
      return { ...e, vus: o.vus };
    case 'ramping-vus':
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      notes.warnings.push(`--vus does not apply to ${e.executor} (execution ${e.name}); it keeps its own VUs`);
      return e;
  }
}
