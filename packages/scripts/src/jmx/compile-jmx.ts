/**
 * The JMeter front-end: a .jmx plan compiled once into executors (one per thread group) and VU
 * programs, or every problem found, each naming the element's path. Nothing is sent before the
 * whole plan has compiled.
 */
import type { CompiledTest, ExecutorSpec, Problem, VuProgram } from '@dlt/model';
import { checkLimits, defaultLimits, type Limits } from '../simple/limits.ts';
import { applyOverrides, type LoadOverrides } from '../simple/overrides.ts';
import { CompileContext, type PlanFiles } from './compile-context.ts';
import { emptyScope, type Scope, TreeCompiler } from './compile-tree.ts';
import { compileCsvDataSet, type NextRow } from './csv-data-set.ts';
import { kindOf } from './element-kinds.ts';
import { Gate } from './gate.ts';
import { type JmxElement, parseJmx } from './jmx-tree.ts';
import { compileCounter, compileRandomVariable } from './pass-config.ts';
import { groupProgram, type PresetCookie, type ProgramParts } from './program.ts';
import { argumentList, argumentsOf, bagOf, bool, items, str } from './props.ts';
import type { Step } from './sampler-step.ts';
import { newGroupState, newTestState, type TestState } from './scope.ts';
import type { Template } from './template.ts';
import { type GroupPlan, groupPlan, threadGroupTypes } from './thread-groups.ts';

export interface JmxOptions {
  /** The plan's name in messages. */
  readonly source: string;
  /** Reads the files the plan names (CSV data, uploads), relative to the plan. */
  readonly files: PlanFiles;
  /** JMeter properties (`-J name=value`), read by `__P` and `__property`. */
  readonly properties?: Readonly<Record<string, string>>;
  readonly overrides?: LoadOverrides;
  readonly limits?: Partial<Limits>;
}

export type JmxResult =
  | { readonly ok: true; readonly test: CompiledTest }
  | { readonly ok: false; readonly problems: readonly Problem[] };

interface CompiledGroup {
  readonly el: JmxElement;
  readonly plan: GroupPlan;
  readonly parts: Omit<ProgramParts, 'holds' | 'waitsOn'>;
}

/** Compiles a plan's text. */
export function compileJmx(text: string, options: JmxOptions): JmxResult {
  const parsed = parseJmx(text, options.source);
  if (!parsed.ok) return parsed;
  const plan = parsed.plan;
  const cx = new CompileContext(options.source, options.files, options.properties ?? {});
  cx.root = plan;
  const limits = { ...defaultLimits, ...options.limits };
  if (bool(plan, 'TestPlan.serialize_threadgroups'))
    cx.warn(plan, 'thread groups run side by side in dlt ("run thread groups consecutively" is ignored)');
  const variables = userVariables(plan, cx);
  for (const [name, value] of variables) cx.planThread.vars.set(name, value(cx.planThread));
  const top = new TreeCompiler(cx, { onError: 'continue', endsAt: () => Number.POSITIVE_INFINITY });
  const levelElements = plan.children.filter((c) => !(c.type in threadGroupTypes));
  const planScope = top.extend(emptyScope, levelElements);
  const planRows = planLevel(levelElements, cx);
  const test = newTestState(options.properties ?? {});
  const overridden = options.overrides !== undefined && Object.values(options.overrides).some((v) => v !== undefined);
  const groups: CompiledGroup[] = [];
  for (const el of plan.children.filter((c) => c.type in threadGroupTypes)) {
    const g = compileGroup(el, { cx, planScope, planRows, test, variables, limits, overridden });
    if (g !== undefined) groups.push(g);
  }
  if (groups.length === 0 && cx.problems.length === 0) cx.complain(plan, 'has no enabled thread group that runs');
  const { specs, programs } = assemble(groups, limits);
  const over = applyOverrides(specs, options.overrides);
  const problems: Problem[] = [...cx.problems, ...over.problems];
  for (const p of checkLimits(over.specs, limits)) {
    const i = typeof p.path[1] === 'number' ? p.path[1] : -1;
    problems.push({ file: options.source, field: groups[i]?.el.path, message: p.message });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    test: {
      source: options.source,
      executors: over.specs,
      programs,
      thresholds: [],
      warnings: [...cx.warnings, ...over.warnings],
    },
  };
}

/** The Test Plan's variables and every User Defined Variables element, in document order. */
function userVariables(plan: JmxElement, cx: CompileContext): [string, Template][] {
  const out: [string, Template][] = [];
  const add = (el: JmxElement, list: ReturnType<typeof argumentsOf>) => {
    for (const a of list) if (a.name.trim() !== '') out.push([a.name.trim(), cx.template(el, a.value)]);
  };
  add(plan, argumentsOf(plan, 'TestPlan.user_defined_variables'));
  const walk = (el: JmxElement) => {
    for (const c of el.children) {
      if (c.type === 'Arguments') add(c, argumentList(c));
      walk(c);
    }
  };
  walk(plan);
  return out;
}

/** What the plan itself holds besides thread groups: CSV rows for every group; no samplers. */
function planLevel(elements: readonly JmxElement[], cx: CompileContext): NextRow[] {
  const rows: NextRow[] = [];
  for (const el of elements) {
    const kind = kindOf(el);
    if (kind === 'csv') {
      const next = compileCsvDataSet(el, cx);
      if (next !== undefined) rows.push(next);
    } else if (kind === 'counter') rows.push(compileCounter(el, cx));
    else if (kind === 'random') rows.push(compileRandomVariable(el, cx));
    else if (kind === undefined) {
      cx.complain(
        el,
        /ThreadGroup$/.test(el.type) ? `${el.type} is not a supported thread group` : `${el.type} is not supported`,
      );
    } else if (kind === 'http' || kind === 'controller' || kind === 'action') {
      cx.complain(el, `a ${el.type} must sit inside a thread group`);
    } else if (kind === 'ignored') cx.warn(el, `${el.type} is ignored`);
  }
  return rows;
}

interface GroupInputs {
  readonly cx: CompileContext;
  readonly planScope: Scope;
  readonly planRows: readonly NextRow[];
  readonly test: TestState;
  readonly variables: readonly (readonly [string, Template])[];
  readonly limits: Limits;
  readonly overridden: boolean;
}

function compileGroup(el: JmxElement, g: GroupInputs): CompiledGroup | undefined {
  const plan = groupPlan(el, g.cx, g.limits.maxDurationMs, g.overridden);
  if (plan === undefined) return undefined;
  const group = newGroupState(el.name, plan.threads);
  const durationMs = g.overridden ? undefined : plan.durationMs;
  const endsAt =
    durationMs === undefined
      ? () => Number.POSITIVE_INFINITY
      : () => (group.startedAt ?? performance.now()) + durationMs;
  const tc = new TreeCompiler(g.cx, { onError: plan.onError, endsAt });
  const inner = tc.block(el.children, g.planScope);
  const block: Step =
    g.planRows.length === 0
      ? inner
      : async (t) => {
          for (const next of g.planRows) if (!next(t)) return 'stop';
          return inner(t);
        };
  const managers = [
    ...(g.planScope.config.cookies ? [g.planScope.config.cookies] : []),
    ...findAll(el, 'CookieManager'),
  ];
  const cookies =
    managers.length === 0
      ? undefined
      : {
          clearEachIteration: managers.some((m) => bool(m, 'CookieManager.clearEachIteration')),
          preset: managers.flatMap((m) => presetCookies(m, g.cx)),
        };
  return { el, plan, parts: { plan, block, group, test: g.test, variables: g.variables, cookies } };
}

/** A Cookie Manager's user-defined cookies (name, value, domain, path, secure). */
function presetCookies(m: JmxElement, cx: CompileContext): PresetCookie[] {
  return items(m, 'CookieManager.cookies').map((p) => {
    const c = bagOf(p);
    const domain = str(c, 'Cookie.domain').trim();
    if (domain === '') cx.warn(m, `the cookie ${p.name} has no domain; it is sent to no host`);
    return {
      name: p.name,
      value: cx.template(m, str(c, 'Cookie.value')),
      domain,
      path: str(c, 'Cookie.path', '/').trim() || '/',
      secure: bool(c, 'Cookie.secure'),
    };
  });
}

function findAll(el: JmxElement, type: string): JmxElement[] {
  return el.children.flatMap((c) => [...(c.type === type ? [c] : []), ...findAll(c, type)]);
}

/** Names the executors, orders setUp → main → tearDown with gates and start times. */
function assemble(
  groups: readonly CompiledGroup[],
  limits: Limits,
): { specs: ExecutorSpec[]; programs: Record<string, VuProgram> } {
  const setupGate = new Gate();
  const mainGate = new Gate();
  const bound = (role: GroupPlan['role']) =>
    Math.max(
      0,
      ...groups
        .filter((g) => g.plan.role === role)
        .map((g) => g.plan.spec.startTimeMs + (g.plan.durationMs ?? limits.maxDurationMs)),
    );
  const mainTimedEnd = Math.max(
    0,
    ...groups
      .filter((g) => g.plan.role === 'main' && g.plan.durationMs !== undefined)
      .map((g) => g.plan.spec.startTimeMs + (g.plan.durationMs ?? 0)),
  );
  const taken = new Set<string>();
  const specs: ExecutorSpec[] = [];
  const programs: Record<string, VuProgram> = {};
  groups.forEach((g, i) => {
    const name = unique(g.el.name || `thread-group-${i + 1}`, taken);
    const role = g.plan.role;
    const holds =
      role === 'setup' || (role === 'main' && g.plan.loops !== undefined)
        ? role === 'setup'
          ? setupGate
          : mainGate
        : undefined;
    const waitsOn =
      role === 'main'
        ? { gate: setupGate, boundMs: bound('setup') }
        : role === 'teardown'
          ? { gate: mainGate, boundMs: bound('main') }
          : undefined;
    const startTimeMs = role === 'teardown' ? g.plan.spec.startTimeMs + mainTimedEnd : g.plan.spec.startTimeMs;
    const spec = { ...g.plan.spec, startTimeMs, name, program: name } as ExecutorSpec;
    // A group that ends by loops may run until the test's limit, counted from its own start.
    specs.push(
      spec.executor === 'per-vu-iterations'
        ? { ...spec, maxDurationMs: Math.max(1, limits.maxDurationMs - startTimeMs) }
        : spec,
    );
    programs[name] = groupProgram({ ...g.parts, holds, waitsOn });
  });
  return { specs, programs };
}

function unique(name: string, taken: Set<string>): string {
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
  taken.add(n);
  return n;
}
