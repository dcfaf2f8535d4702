/**
 * Compiles a simple (Taurus-style) definition: interpolate `${NAME}`, validate, normalise each
 * execution to an `ExecutorSpec`, apply overrides, check limits, and build one VU program per
 * scenario used. Collects every problem rather than stopping at the first.
 */
import type { CompiledTest, ExecutorSpec, PathProblem, Problem, TestDefinition, VuProgram } from '@dlt/model';
import { checkDefinition } from '@dlt/model';
import { executorSpec } from './executors.ts';
import { interpolate } from './interpolate.ts';
import type { Limits } from './limits.ts';
import { checkLimits, defaultLimits } from './limits.ts';
import type { LoadOverrides } from './overrides.ts';
import { applyOverrides } from './overrides.ts';
import { simpleProgram } from './program.ts';
import { scenarioSteps } from './requests.ts';

/** What `compileSimple` needs from the caller. */
export interface SimpleOptions {
  readonly source: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: LoadOverrides;
  readonly limits?: Partial<Limits>;
}

/** The compiled test, or every problem: by path in the file, or already placed (overrides). */
export type SimpleResult =
  | { readonly ok: true; readonly test: CompiledTest }
  | { readonly ok: false; readonly problems: readonly (PathProblem | Problem)[] };

const within = (path: readonly PropertyKey[], prefix: readonly PropertyKey[]) =>
  prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);

/** Compiles a raw definition value. */
export function compileSimple(raw: unknown, options: SimpleOptions): SimpleResult {
  const interpolated = interpolate(raw, options.env ?? {});
  const problems: (PathProblem | Problem)[] = [...interpolated.problems];
  const checked = checkDefinition(interpolated.value);
  if (!checked.ok) {
    // A value left unresolved by interpolation is reported once, as the missing variable.
    const fresh = checked.problems.filter((p) => !interpolated.problems.some((i) => within(p.path, i.path)));
    // Bad override values are reported along with the file's problems, not after they are fixed.
    return { ok: false, problems: [...problems, ...fresh, ...applyOverrides([], options.overrides).problems] };
  }
  const def = checked.value;
  const specs = def.execution.map((e, i) => executorSpec(e, target(def, i)));
  const overridden = applyOverrides(specs, options.overrides);
  problems.push(...overridden.problems);
  problems.push(...checkLimits(overridden.specs, { ...defaultLimits, ...options.limits }));
  problems.push(...scriptScenarios(def, specs));
  if (problems.length > 0) return { ok: false, problems };
  const test: CompiledTest = {
    source: options.source,
    executors: overridden.specs,
    programs: programs(def, overridden.specs),
    thresholds: def.thresholds ?? [],
    warnings: [...overridden.warnings, ...seedFieldWarnings(def, options.source)],
  };
  return { ok: true, test };
}

/** The name, scenario and requests per iteration of execution `i`. */
function target(def: TestDefinition, i: number) {
  const e = def.execution[i];
  const program = e.scenario ?? Object.keys(def.scenarios)[0];
  const uses = def.execution.filter((x) => (x.scenario ?? program) === program).length;
  const taken = new Set(def.execution.map((x) => x.name).filter((n) => n !== undefined));
  const fallback = uses === 1 && !taken.has(program) ? program : `${program}-${i}`;
  const name = e.name ?? (taken.has(fallback) ? `execution-${i}` : fallback);
  return { name, program, requestsPerIteration: Math.max(1, def.scenarios[program].requests?.length ?? 1) };
}

function programs(def: TestDefinition, specs: readonly ExecutorSpec[]): Record<string, VuProgram> {
  const out: Record<string, VuProgram> = {};
  for (const { program } of specs) out[program] ??= simpleProgram(program, scenarioSteps(def.scenarios[program]));
  return out;
}

/** A scenario with `script` belongs to another front-end; a simple test cannot run it. */
function scriptScenarios(def: TestDefinition, specs: readonly ExecutorSpec[]): PathProblem[] {
  const used = new Set(specs.map((s) => s.program));
  return [...used]
    .filter((name) => def.scenarios[name].script !== undefined)
    .map((name) => ({
      path: ['scenarios', name, 'script'],
      message: 'scripts are not supported in a simple test yet',
      hint: 'give the scenario requests, or run the script file itself',
    }));
}

/** Fields the seed's API sends that dlt accepts but does not use. */
function seedFieldWarnings(def: TestDefinition, source: string): string[] {
  const out: string[] = [];
  if (def.reporting !== undefined) out.push(`${source}: reporting is ignored; every result is always reported`);
  def.execution.forEach((e, i) => {
    if (e.taskCount !== undefined)
      out.push(`${source}: execution[${i}].taskCount is ignored; tasks come from the run's task configs`);
  });
  return out;
}
