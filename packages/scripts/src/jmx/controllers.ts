/**
 * JMeter's logic controllers as steps around their children's block: Simple, Loop, While, If,
 * Transaction, Once Only, Random, Random Order, Interleave, Throughput, Runtime, ForEach and
 * Switch, and Module Controllers running a Test Fragment or controller found by its path. Loops without a fixed count yield to the event loop each pass and end with the
 * thread group's schedule, so no controller can spin a VU forever.
 */
import type { ErrorKind, VuContext } from '@dlt/model';
import type { Scope, TreeCompiler } from './compile-tree.ts';
import { kindOf } from './element-kinds.ts';
import { compileCondition } from './expression.ts';
import type { JmxElement } from './jmx-tree.ts';
import { bool, items, str } from './props.ts';
import type { Flow, Step } from './sampler-step.ts';
import type { Thread, TransactionTally } from './scope.ts';

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether a loop must end: the thread stopped, the VU is told to stop, or the schedule ended. */
function over(t: Thread, tc: TreeCompiler): boolean {
  return t.stopped || t.test.stopped || (t.ctx as VuContext).signal.aborted || performance.now() >= tc.group.endsAt(t);
}

/** The step of a controller element. */
export function controllerStep(el: JmxElement, scope: Scope, tc: TreeCompiler): Step {
  const block = () => tc.block(el.children, scope);
  switch (el.type) {
    case 'LoopController':
      return loop(el, tc, block());
    case 'WhileController':
      return whileLoop(el, tc, block());
    case 'IfController':
      return ifController(el, scope, tc);
    case 'TransactionController':
      return transaction(el, tc, block());
    case 'OnceOnlyController':
      return onceOnly(block());
    case 'RandomController':
    case 'RandomOrderController':
    case 'InterleaveControl':
    case 'SwitchController':
      return pickOne(el, scope, tc);
    case 'ThroughputController':
      return throughput(el, tc, block());
    case 'RunTime':
      return runtime(el, tc, block());
    case 'ForeachController':
      return forEach(el, tc, block());
    case 'ModuleController':
      return moduleController(el, scope, tc);
    default:
      return block();
  }
}

async function repeat(
  t: Thread,
  tc: TreeCompiler,
  body: Step,
  more: (pass: number) => boolean,
  index?: string,
): Promise<Flow> {
  for (let pass = 0; more(pass); pass++) {
    if (over(t, tc)) return 'stop';
    // JMeter 5 keeps each loop's pass in `__jm__<name>__idx`.
    if (index !== undefined) t.vars.set(index, String(pass));
    const flow = await body(t);
    if (flow !== 'go') return flow;
    await yieldNow();
  }
  return 'go';
}

function loop(el: JmxElement, tc: TreeCompiler, body: Step): Step {
  const count = tc.cx.prop(el, 'LoopController.loops', el, '1');
  return (t) => {
    const n = Number(count(t));
    return repeat(t, tc, body, (pass) => n < 0 || pass < n, `__jm__${el.name}__idx`);
  };
}

function whileLoop(el: JmxElement, tc: TreeCompiler, body: Step): Step {
  const text = str(el, 'WhileController.condition').trim();
  const condition = tc.cx.template(el, text);
  return (t) =>
    repeat(
      t,
      tc,
      body,
      (pass) => {
        // Blank: loop until a sample in the loop fails. LAST: also not entered after a failure.
        if (text === '') return pass === 0 || t.lastOk;
        if (text === 'LAST') return t.lastOk;
        return condition(t).trim().toLowerCase() !== 'false';
      },
      `__jm__${el.name}__idx`,
    );
}

function ifController(el: JmxElement, scope: Scope, tc: TreeCompiler): Step {
  const raw = str(el, 'IfController.condition').trim();
  const template = tc.cx.template(el, raw);
  const asVariable = bool(el, 'IfController.useExpression', false);
  const script = asVariable ? undefined : compileCondition(raw, (m) => tc.cx.complain(el, m));
  const test = (t: Thread) => {
    const text = template(t);
    const value = script === undefined ? text : script(text, t);
    return value.trim().toLowerCase() === 'true';
  };
  if (!bool(el, 'IfController.evaluateAll')) {
    const body = tc.block(el.children, scope);
    return async (t) => (test(t) ? body(t) : 'go');
  }
  const inner = tc.extend(scope, el.children);
  const steps = runnableChildren(el, tc).map((c) => tc.block([c], inner));
  return async (t) => {
    for (const step of steps) {
      if (!test(t)) return 'go';
      const flow = await step(t);
      if (flow !== 'go') return flow;
    }
    return 'go';
  };
}

/** Its own sample after its children's: their summed time (or the wall time with timers), failed if one failed. */
function transaction(el: JmxElement, tc: TreeCompiler, body: Step): Step {
  if (bool(el, 'TransactionController.parent'))
    tc.cx.warn(el, '"generate parent sample" is not supported: the children are reported too');
  const withTimers = bool(el, 'TransactionController.includeTimers');
  return async (t) => {
    const tally: TransactionTally = {
      elapsedMs: 0,
      latencyMs: 0,
      samples: 0,
      failed: undefined,
      bytesSent: 0,
      bytesReceived: 0,
    };
    t.transactions.push(tally);
    const started = performance.now();
    let flow: Flow;
    try {
      flow = await body(t);
    } finally {
      t.transactions.splice(t.transactions.indexOf(tally), 1);
    }
    const ctx = t.ctx as VuContext;
    if (tally.samples === 0 || ctx.signal.aborted) return flow;
    const elapsed = withTimers ? performance.now() - started : tally.elapsedMs;
    const latency = Math.min(elapsed, tally.latencyMs);
    const f = tally.failed;
    ctx.record({
      label: el.name,
      method: 'TRANSACTION',
      status: f === undefined ? 200 : f.status,
      error:
        f === undefined
          ? null
          : ((f.error ?? (f.status >= 200 && f.status < 400 ? 'assertion' : null)) as ErrorKind | null),
      ...(f === undefined ? {} : { errorMessage: f.message }),
      intendedAt: started,
      startedAt: started,
      firstByteAt: started + latency,
      endedAt: started + elapsed,
      timings: { blocked: 0, dns: 0, connect: 0, tls: 0, send: 0, wait: latency, receive: elapsed - latency },
      bytesSent: tally.bytesSent,
      bytesReceived: tally.bytesReceived,
    });
    return flow;
  };
}

function onceOnly(body: Step): Step {
  const key = {};
  return async (t) => {
    if (t.own.has(key)) return 'go';
    t.own.set(key, true);
    return body(t);
  };
}

/** Random, Random Order, Interleave and Switch: which children run this time. */
function pickOne(el: JmxElement, scope: Scope, tc: TreeCompiler): Step {
  const inner = tc.extend(scope, el.children);
  const runnable = runnableChildren(el, tc);
  const steps = runnable.map((c) => tc.block([c], inner));
  const key = {};
  const value = tc.cx.prop(el, 'SwitchController.value');
  const choose = (t: Thread): number[] => {
    if (steps.length === 0) return [];
    switch (el.type) {
      case 'RandomController':
        return [Math.floor(Math.random() * steps.length)];
      case 'RandomOrderController':
        return shuffled(steps.length);
      case 'InterleaveControl': {
        const i = (t.own.get(key) as number | undefined) ?? 0;
        t.own.set(key, i + 1);
        return [i % steps.length];
      }
      default: {
        const v = value(t).trim();
        if (/^\d+$/.test(v)) return [Number(v) < steps.length ? Number(v) : 0];
        const named = runnable.findIndex((c) => c.name === v);
        const fallback = runnable.findIndex((c) => c.name.toLowerCase() === 'default');
        return named >= 0 ? [named] : fallback >= 0 ? [fallback] : [];
      }
    }
  };
  return async (t) => {
    for (const i of choose(t)) {
      const flow = await steps[i](t);
      if (flow !== 'go') return flow;
    }
    return 'go';
  };
}

/** The children that run (samplers, controllers), each on its own; unsupported ones are problems. */
function runnableChildren(el: JmxElement, tc: TreeCompiler): JmxElement[] {
  return el.children.filter((c) => {
    const k = kindOf(c);
    if (k === undefined) tc.cx.complain(c, `${c.type} is not supported`);
    else if (k === 'csv') tc.cx.complain(c, `a CSV Data Set under a ${el.type} is not supported; put it one level up`);
    return k === 'http' || k === 'controller' || k === 'action' || k === 'debug' || k === 'script';
  });
}

function shuffled(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Throughput Controller: a total number of executions, or a percentage of the passes. */
function throughput(el: JmxElement, tc: TreeCompiler, body: Step): Step {
  const percent = tc.cx.number(el, 'ThroughputController.style', 1) === 1;
  const perThread = bool(el, 'ThroughputController.perThread');
  const max = tc.cx.number(el, 'ThroughputController.maxThroughput', 1);
  const pct = tc.cx.number(el, 'ThroughputController.percentThroughput', 100);
  const key = {};
  return async (t) => {
    const holder = perThread ? t.own : t.test.shared;
    const c = (holder.get(key) as { passes: number; runs: number } | undefined) ?? { passes: 0, runs: 0 };
    holder.set(key, c);
    // Percent: run whenever the runs so far fall behind the share of passes (deterministic, as JMeter).
    const run = percent ? c.runs < ((c.passes + 1) * pct) / 100 : c.runs < max;
    c.passes++;
    if (!run) return 'go';
    c.runs++;
    return body(t);
  };
}

function runtime(el: JmxElement, tc: TreeCompiler, body: Step): Step {
  const seconds = tc.cx.prop(el, 'RunTime.seconds', el, '0');
  return (t) => {
    const until = performance.now() + (Number(seconds(t)) || 0) * 1000;
    return repeat(t, tc, body, () => performance.now() < until);
  };
}

function forEach(el: JmxElement, tc: TreeCompiler, body: Step): Step {
  const prefix = tc.cx.prop(el, 'ForeachController.inputVal');
  const output = tc.cx.prop(el, 'ForeachController.returnVal');
  const start = tc.cx.prop(el, 'ForeachController.startIndex');
  const end = tc.cx.prop(el, 'ForeachController.endIndex');
  const separator = bool(el, 'ForeachController.useSeparator', true) ? '_' : '';
  return (t) => {
    const [p, out] = [prefix(t), output(t)];
    const first = (Number(start(t)) || 0) + 1;
    const lastText = end(t).trim();
    const last = lastText === '' ? Number.POSITIVE_INFINITY : Number(lastText);
    return repeat(t, tc, body, (pass) => {
      const i = first + pass;
      const v = t.vars.get(`${p}${separator}${i}`);
      if (i > last || v === undefined) return false;
      t.vars.set(out, v);
      return true;
    });
  };
}

/** Module Controllers being compiled, so one that reaches itself is refused instead of recursing. */
const inModule = new Set<JmxElement>();

/** Runs the controller or Test Fragment the Module Controller names by its path in the tree. */
function moduleController(el: JmxElement, scope: Scope, tc: TreeCompiler): Step {
  const target = moduleTarget(el, tc);
  if (target === undefined || inModule.has(target)) {
    if (target !== undefined) tc.cx.complain(el, `includes ${target.path}, which includes this module again`);
    return async () => 'go';
  }
  inModule.add(target);
  try {
    return target.type === 'TestFragmentController'
      ? tc.block(target.children, scope)
      : controllerStep(target, scope, tc);
  } finally {
    inModule.delete(target);
  }
}

/** The element at the Module Controller's `node_path` (GUI root, Test Plan, then names down). */
function moduleTarget(el: JmxElement, tc: TreeCompiler): JmxElement | undefined {
  const names = items(el, 'ModuleController.node_path').map((p) => p.value);
  const root = tc.cx.root;
  const start = root === undefined ? -1 : names.indexOf(root.name);
  let node = root;
  for (const name of start < 0 ? [] : names.slice(start + 1)) {
    node = node?.children.find((c) => c.name === name);
  }
  if (node === undefined || node === root || start < 0) {
    tc.cx.complain(el, `names no element of the plan (${names.join(' > ') || 'no path'})`);
    return undefined;
  }
  if (kindOf(node) !== 'controller' && node.type !== 'TestFragmentController') {
    tc.cx.complain(el, `names ${node.path}, which is not a controller or Test Fragment`);
    return undefined;
  }
  return node;
}
