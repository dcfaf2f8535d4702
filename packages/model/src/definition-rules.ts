/**
 * Rules of the test definition that span fields: which options go with which executor, what
 * each executor requires, and which scenario an execution runs. They run even when a field is
 * invalid (so every problem is reported at once) and so read their input defensively.
 */
import type { z } from 'zod';
import { httpUrlProblem } from './definition-fields.ts';
import type { ExecutorName } from './executor.ts';
import { executorNames } from './executor.ts';

/** The k6 options of each executor, in kebab-case. */
export const executorOptions = {
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['start-vus', 'stages', 'graceful-ramp-down'],
  'shared-iterations': ['vus', 'iterations', 'max-duration'],
  'per-vu-iterations': ['vus', 'iterations', 'max-duration'],
  'constant-arrival-rate': ['rate', 'time-unit', 'duration', 'pre-allocated-vus', 'max-vus'],
  'ramping-arrival-rate': ['start-rate', 'time-unit', 'stages', 'pre-allocated-vus', 'max-vus'],
} as const satisfies Record<ExecutorName, readonly string[]>;

/** Options without a default in k6. */
export const requiredExecutorOptions = {
  'constant-vus': ['duration'],
  'ramping-vus': ['stages'],
  'shared-iterations': [],
  'per-vu-iterations': [],
  'constant-arrival-rate': ['rate', 'duration', 'pre-allocated-vus'],
  'ramping-arrival-rate': ['stages', 'pre-allocated-vus'],
} as const satisfies Record<ExecutorName, readonly string[]>;

/** Options of every execution, whatever its form. `taskCount` is the seed's (tasks come from the run's task configs), ignored here. */
export const commonExecutionOptions = ['name', 'scenario', 'start-time', 'graceful-stop', 'taskCount'] as const;

/** The Taurus load profile, used when there is no `executor`. */
export const taurusOptions = ['concurrency', 'ramp-up', 'hold-for', 'iterations', 'throughput'] as const;

type Ctx = z.RefinementCtx;
type Loose = Record<string, unknown>;

function isRecord(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function issue(ctx: Ctx, path: PropertyKey[], message: string, params?: { hint?: string; at?: 'key' }): void {
  ctx.addIssue({ code: 'custom', message, path, params });
}

/** Checks one execution item: its options against its executor, or the Taurus form's combinations. */
export function executionRules(v: Loose, ctx: Ctx): void {
  const present = Object.keys(v).filter((k) => v[k] !== undefined);
  const executor = v.executor;
  if (executor === undefined) taurusRules(v, present, ctx);
  else if ((executorNames as readonly unknown[]).includes(executor)) k6Rules(v, executor as ExecutorName, present, ctx);
}

function k6Rules(v: Loose, executor: ExecutorName, present: string[], ctx: Ctx): void {
  const own: readonly string[] = executorOptions[executor];
  const allowed = new Set<string>(['executor', ...commonExecutionOptions, ...own]);
  for (const key of present) {
    if (allowed.has(key)) continue;
    const options = [...own, ...commonExecutionOptions.filter((o) => o !== 'taskCount')].join(', ');
    issue(ctx, [key], `not an option of ${executor}`, { hint: `options: ${options}`, at: 'key' });
  }
  for (const key of requiredExecutorOptions[executor] as readonly string[]) {
    if (!present.includes(key)) issue(ctx, [key], `required by ${executor}`);
  }
  switch (executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      arrivalRateRules(v, ctx);
      return;
    case 'shared-iterations': {
      const iterations = num(v.iterations) ?? 1;
      const vus = num(v.vus) ?? 1;
      if (iterations < vus) {
        const hint = 'shared-iterations needs at least one iteration per VU';
        issue(
          ctx,
          [present.includes('iterations') ? 'iterations' : 'vus'],
          `${iterations} iterations cannot be shared by ${vus} VUs`,
          { hint },
        );
      }
      return;
    }
    case 'ramping-vus':
      wholeTargets(v.stages, ctx);
      return;
    case 'constant-vus':
    case 'per-vu-iterations':
      return;
  }
}

function arrivalRateRules(v: Loose, ctx: Ctx): void {
  const pre = num(v['pre-allocated-vus']);
  const max = num(v['max-vus']);
  if (pre !== undefined && max !== undefined && max < pre) {
    issue(ctx, ['max-vus'], `${max} is less than pre-allocated-vus (${pre})`);
  } else if (pre === 0 && (max === undefined || max === 0)) {
    issue(ctx, ['pre-allocated-vus'], 'needs at least one VU', {
      hint: 'set pre-allocated-vus or max-vus to 1 or more',
    });
  }
}

function wholeTargets(stages: unknown, ctx: Ctx): void {
  if (!Array.isArray(stages)) return;
  stages.forEach((s, i) => {
    const t = isRecord(s) ? num(s.target) : undefined;
    if (t !== undefined && !Number.isInteger(t))
      issue(ctx, ['stages', i, 'target'], `${t} is not a whole number of VUs`);
  });
}

function taurusRules(v: Loose, present: string[], ctx: Ctx): void {
  const allowed = new Set<string>([...commonExecutionOptions, ...taurusOptions]);
  const hint = `add e.g. executor: constant-vus, or use the Taurus form: ${taurusOptions.join(', ')}`;
  for (const key of present) {
    if (!allowed.has(key)) issue(ctx, [key], 'is a k6 executor option and needs an executor', { hint, at: 'key' });
  }
  if (v.throughput !== undefined) {
    const none = (x: unknown) => x === undefined || x === 0;
    if (none(v['hold-for']) && none(v['ramp-up'])) {
      issue(ctx, ['throughput'], 'needs hold-for or ramp-up', { hint: 'how long to hold the rate' });
    }
    if (v.iterations !== undefined) issue(ctx, ['iterations'], 'cannot be combined with throughput');
  }
}

/** Scenario rules: requests or a script, and every request URL absolute once resolved. */
export function scenarioRules(v: Loose, ctx: Ctx): void {
  if (v.requests !== undefined && v.script !== undefined) {
    issue(ctx, ['script'], 'a scenario has requests or a script, not both');
  } else if (v.requests === undefined && v.script === undefined) {
    issue(ctx, ['requests'], 'required', { hint: 'a list of URLs or of { url, method, headers, body }' });
  }
  const base = v['default-address'];
  const baseOk = typeof base === 'string' && httpUrlProblem(base) === undefined;
  if ((base !== undefined && !baseOk) || !Array.isArray(v.requests)) return;
  v.requests.forEach((r, j) => {
    const url = typeof r === 'string' ? r : isRecord(r) ? r.url : undefined;
    if (typeof url !== 'string' || url === '') return;
    const problem = httpUrlProblem(url, baseOk ? base : undefined);
    if (problem !== undefined) issue(ctx, ['requests', j, 'url'], problem);
  });
}

/** Whole-file rules: each execution names an existing scenario (or there is only one), names are unique. */
export function testRules(v: Loose, ctx: Ctx): void {
  const execution = Array.isArray(v.execution) ? v.execution : [];
  const names = isRecord(v.scenarios) ? Object.keys(v.scenarios) : undefined;
  if (names !== undefined && names.length === 0) issue(ctx, ['scenarios'], 'needs at least one scenario');
  const seen = new Map<string, number>();
  execution.forEach((e, i) => {
    if (!isRecord(e)) return;
    if (names !== undefined && names.length > 0) scenarioReference(e.scenario, names, i, ctx);
    if (typeof e.name !== 'string') return;
    const first = seen.get(e.name);
    if (first === undefined) seen.set(e.name, i);
    else issue(ctx, ['execution', i, 'name'], `"${e.name}" is already the name of execution[${first}]`);
  });
}

function scenarioReference(scenario: unknown, names: string[], i: number, ctx: Ctx): void {
  const hint = `scenarios: ${names.join(', ')}`;
  if (scenario === undefined && names.length > 1) {
    issue(ctx, ['execution', i, 'scenario'], 'required when there is more than one scenario', { hint });
  } else if (typeof scenario === 'string' && !names.includes(scenario)) {
    issue(ctx, ['execution', i, 'scenario'], `"${scenario}" is not a key of scenarios`, { hint });
  }
}
