/**
 * Compiles a thread group's subtree once into steps. JMeter's scoping rules decide what applies
 * to each sampler: config elements, timers, assertions and extractors apply to every sampler at
 * their level and below, outer ones first; CSV data sets take a row at each pass through their
 * level. Unsupported elements are problems, naming their path.
 */
import type { VuContext } from '@dlt/model';
import { type Check, compileAssertion } from './assertions.ts';
import type { CompileContext } from './compile-context.ts';
import { controllerStep } from './controllers.ts';
import { compileCsvDataSet, type NextRow } from './csv-data-set.ts';
import { kindOf } from './element-kinds.ts';
import { compileExtractor, type Extract } from './extractors.ts';
import { type Script, scriptOf } from './groovy-lite.ts';
import { type ConfigScope, compileHttpSampler } from './http-sampler.ts';
import type { JmxElement } from './jmx-tree.ts';
import { compileCounter, compileRandomVariable } from './pass-config.ts';
import { beforeSampler, type Flow, httpStep, type SamplerScope, type Step } from './sampler-step.ts';
import type { SampleErrorAction } from './thread-groups.ts';
import { compileTimer, type Timer } from './timers.ts';

/** What is in scope at one level of the tree, outer first. */
export interface Scope {
  readonly config: ConfigScope;
  readonly timers: readonly Timer[];
  readonly extractors: readonly Extract[];
  readonly checks: readonly Check[];
  readonly needsBody: boolean;
  /** JSR223/BeanShell pre-processors, run before each sampler (before its timers). */
  readonly pre: readonly Script[];
  /** A Response Assertion in scope ignores the status ("Ignore Status"). */
  readonly ignoreStatus: boolean;
}

export const emptyScope: Scope = {
  config: { defaults: [], headers: [], auth: [], cookies: undefined },
  timers: [],
  extractors: [],
  checks: [],
  needsBody: false,
  pre: [],
  ignoreStatus: false,
};

/** Settings of the thread group being compiled. */
export interface GroupSettings {
  readonly onError: SampleErrorAction;
  readonly endsAt: SamplerScope['endsAt'];
}

/** Compiles a tree walk: holds the context and the group's settings. */
export class TreeCompiler {
  readonly cx: CompileContext;
  readonly group: GroupSettings;

  constructor(cx: CompileContext, group: GroupSettings) {
    this.cx = cx;
    this.group = group;
  }

  /** The scope `outer` extended by the scope elements among `children`. */
  extend(outer: Scope, children: readonly JmxElement[]): Scope {
    let s = outer;
    for (const el of children) s = this.#add(s, el);
    return s;
  }

  #add(s: Scope, el: JmxElement): Scope {
    const kind = kindOf(el);
    const c = s.config;
    switch (kind) {
      case 'headers':
        return { ...s, config: { ...c, headers: [...c.headers, el] } };
      case 'auth':
        return { ...s, config: { ...c, auth: [...c.auth, el] } };
      case 'cookies':
        return { ...s, config: { ...c, cookies: el } };
      case 'defaults':
        if (el.guiclass !== 'HttpDefaultsGui' && ![...el.props.keys()].some((k) => k.startsWith('HTTPSampler.'))) {
          this.cx.complain(el, `${el.guiclass || el.type} is not supported`);
          return s;
        }
        return { ...s, config: { ...c, defaults: [...c.defaults, el] } };
      case 'cache':
        this.cx.warn(el, 'the Cache Manager is a no-op in dlt: every request is sent');
        return s;
      case 'pre': {
        const script = scriptOf(el, (m, h) => this.cx.complain(el, m, h));
        return script === undefined ? s : { ...s, pre: [...s.pre, script] };
      }
      case 'timer':
        return { ...s, timers: [...s.timers, compileTimer(el, this.cx)] };
      case 'assertion': {
        const a = compileAssertion(el, this.cx);
        return {
          ...s,
          checks: [...s.checks, a.check],
          needsBody: s.needsBody || a.needsBody,
          ignoreStatus: s.ignoreStatus || a.ignoreStatus === true,
        };
      }
      case 'extractor': {
        const x = compileExtractor(el, this.cx);
        return { ...s, extractors: [...s.extractors, x.run], needsBody: s.needsBody || x.needsBody };
      }
      default:
        return s;
    }
  }

  /** The step running `children` in order (after their level's CSV rows), within `outer`. */
  block(children: readonly JmxElement[], outer: Scope): Step {
    const scope = this.extend(outer, children);
    const rows: NextRow[] = [];
    const steps: Step[] = [];
    for (const el of children) {
      const kind = kindOf(el);
      if (kind === 'csv') {
        const next = compileCsvDataSet(el, this.cx);
        if (next !== undefined) rows.push(next);
      } else if (kind === 'counter') rows.push(compileCounter(el, this.cx));
      else if (kind === 'random') rows.push(compileRandomVariable(el, this.cx));
      else if (kind === undefined) this.cx.complain(el, `${el.type} is not supported`, hintFor(el.type));
      else if (kind === 'ignored') this.cx.warn(el, `${el.type} is ignored`);
      else if (kind === 'http' || kind === 'action' || kind === 'debug' || kind === 'controller' || kind === 'script') {
        const step = this.#step(el, scope);
        if (step !== undefined) steps.push(step);
      }
    }
    return sequence(rows, steps);
  }

  #step(el: JmxElement, scope: Scope): Step | undefined {
    switch (kindOf(el)) {
      case 'http':
        return this.#http(el, scope);
      case 'action':
        return this.#action(el, this.extend(scope, el.children));
      case 'debug':
        this.cx.warn(el, 'the Debug Sampler sends nothing and records no sample');
        return undefined;
      case 'script':
        return this.#script(el, this.extend(scope, el.children));
      default:
        return controllerStep(el, scope, this);
    }
  }

  #http(el: JmxElement, outer: Scope): Step {
    for (const c of el.children) {
      const kind = kindOf(c);
      if (kind === undefined) this.cx.complain(c, `${c.type} is not supported`, hintFor(c.type));
      else if (kind === 'ignored') this.cx.warn(c, `${c.type} is ignored`);
      else if (kind === 'http' || kind === 'controller' || kind === 'action' || kind === 'script')
        this.cx.complain(c, `a ${c.type} cannot sit under a sampler`);
    }
    const scope = this.extend(outer, el.children);
    const sampler = compileHttpSampler(el, scope.config, this.cx);
    const isStatic = !hasTemplates(el, scope) && scope.config.cookies === undefined && scope.config.auth.length === 0;
    return httpStep(sampler, { ...scope, ...this.group }, isStatic);
  }

  /** A JSR223 or BeanShell sampler: its script runs (after the timers); it sends nothing and records no sample. */
  #script(el: JmxElement, scope: Scope): Step {
    const script = scriptOf(el, (m, h) => this.cx.complain(el, m, h));
    const samplerScope: SamplerScope = { ...scope, ...this.group };
    return async (t): Promise<Flow> => {
      const ctx = t.ctx as VuContext;
      if (!(await beforeSampler(t, ctx, samplerScope))) return 'stop';
      script?.({ t });
      return 'go';
    };
  }

  /** Flow Control Action: pause, stop the thread (or test), or start the next iteration. */
  #action(el: JmxElement, scope: Scope): Step {
    const action = this.cx.number(el, 'ActionProcessor.action', 1);
    const target = this.cx.number(el, 'ActionProcessor.target', 0);
    const duration = this.cx.prop(el, 'ActionProcessor.duration', el, '0');
    if (action !== 0 && action !== 1 && action !== 2 && action !== 3) {
      this.cx.complain(
        el,
        `flow control action ${action} is not supported (pause, stop and start next thread loop are)`,
      );
    }
    const samplerScope: SamplerScope = { ...scope, ...this.group };
    return async (t): Promise<Flow> => {
      const ctx = t.ctx as VuContext;
      if (!(await beforeSampler(t, ctx, samplerScope))) return 'stop';
      if (action === 1) {
        await ctx.sleep(Number(duration(t)) || 0);
        return ctx.signal.aborted ? 'stop' : 'go';
      }
      if (action === 3) return 'restart';
      if (target === 2) t.test.stopped = true;
      t.stopped = true;
      return 'stop';
    };
  }
}

/** Runs the CSV rows, then the steps, stopping at the first flow that is not `go`. */
function sequence(rows: readonly NextRow[], steps: readonly Step[]): Step {
  return async (t) => {
    for (const next of rows) if (!next(t)) return 'stop';
    for (const step of steps) {
      const flow = await step(t);
      if (flow !== 'go') return flow;
    }
    return 'go';
  };
}

/** Whether a sampler's request can change between sends (variables, functions). */
function hasTemplates(el: JmxElement, scope: Scope): boolean {
  const texts = (e: JmxElement): string[] => {
    const out: string[] = [];
    const walk = (
      props: Iterable<{ value: string; props: readonly { value: string; props: readonly unknown[] }[] }>,
    ) => {
      for (const p of props) {
        out.push(p.value);
        walk(p.props as never);
      }
    };
    walk(e.props.values());
    return out;
  };
  const all = [el, ...scope.config.defaults, ...scope.config.headers].flatMap(texts);
  return all.some((s) => s.includes('${'));
}

const hints: Readonly<Record<string, string>> = {};

function hintFor(type: string): string | undefined {
  return (
    hints[type] ?? (/\.|JSR223|BeanShell/.test(type) ? 'see docs/jmeter.md for the supported elements' : undefined)
  );
}
