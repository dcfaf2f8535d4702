/**
 * Maps JMeter thread groups onto dlt's executors:
 *
 * | thread group                              | executor              | how                                               |
 * |-------------------------------------------|-----------------------|---------------------------------------------------|
 * | Thread Group, scheduler with a duration   | constant-vus          | ramp-up 0: N threads for the duration             |
 * |                                           | ramping-vus           | ramp-up R: 0 → N over R, hold to the duration     |
 * | Thread Group, L loops, no scheduler       | per-vu-iterations     | N threads × L loops; thread i starts at i·R/N     |
 * | Concurrency Thread Group                  | ramping-vus           | 0 → target over ramp-up (in steps), then hold     |
 * | Ultimate Thread Group                     | ramping-vus           | the sum of its rows, piece by piece               |
 * | Arrivals Thread Group                     | ramping-arrival-rate  | 0 → target arrivals/unit over ramp-up, then hold  |
 * | Stepping Thread Group                     | ramping-vus           | delay, a burst, steps up, hold, steps down        |
 *
 * Finite loops with a scheduler also cap each VU's iterations; the startup delay is the
 * executor's start time. setUp and tearDown groups are ordered by the program (see program.ts).
 */
import type { ExecutorSpec, Stage } from '@dlt/model';
import type { CompileContext } from './compile-context.ts';
import type { JmxElement } from './jmx-tree.ts';
import { bool, items, nested, str } from './props.ts';

export const threadGroupTypes = {
  ThreadGroup: 'main',
  SetupThreadGroup: 'setup',
  PostThreadGroup: 'teardown',
  'com.blazemeter.jmeter.threads.concurrency.ConcurrencyThreadGroup': 'main',
  'kg.apc.jmeter.threads.UltimateThreadGroup': 'main',
  'com.blazemeter.jmeter.threads.arrivals.ArrivalsThreadGroup': 'main',
  'kg.apc.jmeter.threads.SteppingThreadGroup': 'main',
} as const;
export type GroupRole = (typeof threadGroupTypes)[keyof typeof threadGroupTypes];

export const sampleErrorActions = ['continue', 'startnextloop', 'stopthread', 'stoptest', 'stoptestnow'] as const;
export type SampleErrorAction = (typeof sampleErrorActions)[number];

/** An executor without its name and program (the caller names them), and how its threads behave. */
export type UnnamedSpec = ExecutorSpec extends infer E
  ? E extends ExecutorSpec
    ? Omit<E, 'name' | 'program'>
    : never
  : never;

export interface GroupPlan {
  readonly role: GroupRole;
  readonly spec: UnnamedSpec;
  readonly threads: number;
  /** Iterations per thread when finite. */
  readonly loops: number | undefined;
  /** Per-thread start offset when a ramp-up is played by the threads themselves. */
  readonly staggerMs: number;
  /** The scheduled length, when the group has one (no sampler starts after it). */
  readonly durationMs: number | undefined;
  readonly onError: SampleErrorAction;
  /** A new thread state (cookies) every iteration: `same user on each iteration` off. */
  readonly freshUser: boolean;
}

/** Default graceful stop: a request in flight at the end may finish; no new sampler starts. */
const gracefulStopMs = 30_000;

/** The plan of a thread group, or undefined when it runs nothing (problems recorded). */
export function groupPlan(
  el: JmxElement,
  cx: CompileContext,
  maxDurationMs: number,
  hasDuration: boolean,
): GroupPlan | undefined {
  const role: GroupRole = threadGroupTypes[el.type as keyof typeof threadGroupTypes];
  const action = str(el, 'ThreadGroup.on_sample_error', 'continue') as SampleErrorAction;
  const onError = sampleErrorActions.includes(action) ? action : 'continue';
  const freshUser = !bool(el, 'ThreadGroup.same_user_on_next_iteration', true);
  const base = { role, onError, freshUser };
  switch (el.type) {
    case 'com.blazemeter.jmeter.threads.concurrency.ConcurrencyThreadGroup':
      return { ...base, ...concurrency(el, cx) };
    case 'kg.apc.jmeter.threads.UltimateThreadGroup':
      return { ...base, ...ultimate(el, cx) };
    case 'com.blazemeter.jmeter.threads.arrivals.ArrivalsThreadGroup':
      return { ...base, ...arrivals(el, cx) };
    case 'kg.apc.jmeter.threads.SteppingThreadGroup':
      return { ...base, ...stepping(el, cx) };
    default:
      return classic(el, cx, maxDurationMs, hasDuration, base);
  }
}

type Shape = Omit<GroupPlan, 'role' | 'onError' | 'freshUser'>;

function classic(
  el: JmxElement,
  cx: CompileContext,
  maxDurationMs: number,
  hasDuration: boolean,
  base: Pick<GroupPlan, 'role' | 'onError' | 'freshUser'>,
): GroupPlan | undefined {
  const threads = whole(cx, el, 'ThreadGroup.num_threads', 1);
  const rampMs = cx.number(el, 'ThreadGroup.ramp_time', 0) * 1000;
  const loopBag = nested(el, 'ThreadGroup.main_controller');
  const rawLoops = cx.number(el, 'LoopController.loops', 1, loopBag);
  const loops = rawLoops < 0 ? undefined : Math.floor(rawLoops);
  const scheduler = bool(el, 'ThreadGroup.scheduler');
  const durationMs = scheduler ? cx.number(el, 'ThreadGroup.duration', 0) * 1000 : 0;
  const startTimeMs = scheduler ? Math.max(0, cx.number(el, 'ThreadGroup.delay', 0) * 1000) : 0;
  if (threads === 0 || loops === 0) {
    cx.warn(el, 'runs no thread or no loop; it is left out');
    return undefined;
  }
  const common = { startTimeMs, gracefulStopMs };
  if (durationMs > 0) {
    const spec: UnnamedSpec =
      rampMs <= 0
        ? { ...common, executor: 'constant-vus', vus: threads, durationMs, iterationsPerVu: loops }
        : {
            ...common,
            executor: 'ramping-vus',
            startVus: 0,
            stages: [
              { durationMs: Math.min(rampMs, durationMs), target: threads },
              { durationMs: Math.max(0, durationMs - rampMs), target: threads },
            ],
            gracefulRampDownMs: gracefulStopMs,
            iterationsPerVu: loops,
          };
    return { ...base, spec, threads, loops, staggerMs: 0, durationMs };
  }
  if (loops === undefined && !hasDuration) {
    cx.complain(el, 'loops forever and has no duration', 'turn on the scheduler with a duration, or pass --duration');
    return undefined;
  }
  const spec: UnnamedSpec = {
    ...common,
    executor: 'per-vu-iterations',
    vus: threads,
    iterations: loops ?? 1,
    maxDurationMs: Math.max(1, maxDurationMs - startTimeMs),
  };
  return { ...base, spec, threads, loops, staggerMs: threads > 0 ? rampMs / threads : 0, durationMs: undefined };
}

function whole(
  cx: CompileContext,
  el: JmxElement,
  name: string,
  fallback: number,
  bag = el as Parameters<typeof str>[0],
): number {
  const n = cx.number(el, name, fallback, bag);
  if (n < 0 || !Number.isInteger(n)) {
    cx.complain(el, `${name} must be a whole number of at least 0, got ${n}`);
    return fallback;
  }
  return n;
}

/** 0 → target over `rampMs` (a straight line, or `steps` stairs), then `holdMs` at the target. */
export function staircase(target: number, rampMs: number, steps: number, holdMs: number): Stage[] {
  const out: Stage[] = [];
  if (steps <= 0 || rampMs <= 0) {
    if (rampMs > 0) out.push({ durationMs: rampMs, target });
    else out.push({ durationMs: 0, target });
  } else {
    for (let k = 0; k < steps; k++) {
      const level = Math.round((target * (k + 1)) / steps);
      out.push({ durationMs: 0, target: level }, { durationMs: rampMs / steps, target: level });
    }
  }
  out.push({ durationMs: holdMs, target });
  return out;
}

/** Times of the blazemeter groups are in the unit `Unit` (S seconds, M minutes). */
function unitMs(el: JmxElement): number {
  return str(el, 'Unit', 'S').trim().toUpperCase() === 'M' ? 60_000 : 1_000;
}

function concurrency(el: JmxElement, cx: CompileContext): Shape {
  const unit = unitMs(el);
  const target = whole(cx, el, 'TargetLevel', 1);
  const stages = staircase(
    target,
    cx.number(el, 'RampUp', 0) * unit,
    whole(cx, el, 'Steps', 0),
    cx.number(el, 'Hold', 0) * unit,
  );
  const iterations = whole(cx, el, 'Iterations', 0);
  const loops = iterations > 0 ? iterations : undefined;
  const durationMs = stages.reduce((t, s) => t + s.durationMs, 0);
  const spec: UnnamedSpec = {
    executor: 'ramping-vus',
    startTimeMs: 0,
    gracefulStopMs,
    startVus: 0,
    stages,
    gracefulRampDownMs: gracefulStopMs,
    iterationsPerVu: loops,
  };
  return { spec, threads: target, loops, staggerMs: 0, durationMs };
}

function arrivals(el: JmxElement, cx: CompileContext): Shape {
  const unit = unitMs(el);
  const target = cx.number(el, 'TargetLevel', 1);
  const stages = staircase(
    target,
    cx.number(el, 'RampUp', 0) * unit,
    whole(cx, el, 'Steps', 0),
    cx.number(el, 'Hold', 0) * unit,
  );
  const limit = whole(cx, el, 'ConcurrencyLimit', 0);
  const maxVus = limit > 0 ? limit : 1_000;
  const perSecond = (target * 1000) / unit;
  const durationMs = stages.reduce((t, s) => t + s.durationMs, 0);
  const spec: UnnamedSpec = {
    executor: 'ramping-arrival-rate',
    startTimeMs: 0,
    gracefulStopMs,
    startRate: 0,
    timeUnitMs: unit,
    stages,
    preAllocatedVus: Math.min(maxVus, Math.max(1, Math.ceil(perSecond))),
    maxVus,
  };
  return { spec, threads: maxVus, loops: undefined, staggerMs: 0, durationMs };
}

/** Each row `[threads, delay s, ramp-up s, hold s, ramp-down s]`; the VUs are the rows' sum. */
function ultimate(el: JmxElement, cx: CompileContext): Shape {
  const rows = items(el, 'ultimatethreadgroupdata').map((row) =>
    row.props.map((p) => {
      const n = Number(cx.template(el, p.value)(cx.planThread));
      if (!Number.isFinite(n) || n < 0) cx.complain(el, `a schedule row holds "${p.value}", not a number`);
      return Number.isFinite(n) ? Math.max(0, n) : 0;
    }),
  );
  const lines = rows.map(([threads = 0, delay = 0, up = 0, hold = 0, down = 0]) => ({
    threads,
    at: [delay, delay + up, delay + up + hold, delay + up + hold + down].map((s) => s * 1000),
  }));
  const level = (t: number) =>
    lines.reduce((sum, { threads, at: [a, b, c, d] }) => {
      if (t <= a || t >= d) return sum;
      if (t < b) return sum + (threads * (t - a)) / (b - a);
      if (t <= c) return sum + threads;
      return sum + (threads * (d - t)) / (d - c);
    }, 0);
  const points = [...new Set([0, ...lines.flatMap((l) => l.at)])].sort((x, y) => x - y);
  const stages: Stage[] = [];
  for (let i = 1; i < points.length; i++) {
    // Rows that jump (no ramp) meet a breakpoint exactly; just after it is what the VUs do.
    const jumpTo = Math.round(level(points[i - 1] + 1e-6));
    if (jumpTo !== (stages.at(-1)?.target ?? 0)) stages.push({ durationMs: 0, target: jumpTo });
    stages.push({ durationMs: points[i] - points[i - 1], target: Math.round(level(points[i] - 1e-6)) });
  }
  if (rows.length === 0) cx.complain(el, 'has no schedule rows');
  const threads = Math.max(0, ...stages.map((s) => s.target));
  const durationMs = points[points.length - 1] ?? 0;
  const spec: UnnamedSpec = {
    executor: 'ramping-vus',
    startTimeMs: 0,
    gracefulStopMs,
    startVus: 0,
    stages: stages.length > 0 ? stages : [{ durationMs: 0, target: 0 }],
    gracefulRampDownMs: gracefulStopMs,
  };
  return { spec, threads, loops: undefined, staggerMs: 0, durationMs };
}

/**
 * jpgc's Stepping Thread Group: after the initial delay a burst of users starts, then a step of
 * users every period (each step ramped over `rampUp` seconds) until the total; the total holds
 * for the flight time, then users stop a step every period.
 */
function stepping(el: JmxElement, cx: CompileContext): Shape {
  const total = whole(cx, el, 'ThreadGroup.num_threads', 1);
  const sec = (name: string) => Math.max(0, cx.number(el, name, 0)) * 1000;
  const burst = Math.min(total, whole(cx, el, 'Start users count burst', 0));
  const step = whole(cx, el, 'Start users count', 1);
  const period = sec('Start users period');
  const ramp = Math.min(sec('rampUp'), period);
  const stopStep = whole(cx, el, 'Stop users count', 0);
  const stopPeriod = sec('Stop users period');
  const stages: Stage[] = [{ durationMs: sec('Threads initial delay'), target: 0 }];
  let level = burst;
  if (burst > 0) stages.push({ durationMs: 0, target: burst });
  while (level < total) {
    const next = Math.min(total, level + Math.max(1, step));
    stages.push({ durationMs: period - ramp, target: level }, { durationMs: ramp, target: next });
    level = next;
  }
  stages.push({ durationMs: sec('flighttime'), target: total });
  if (stopStep > 0) {
    while (level > 0) {
      level = Math.max(0, level - stopStep);
      stages.push({ durationMs: 0, target: level }, { durationMs: stopPeriod, target: level });
    }
  }
  const durationMs = stages.reduce((t, s) => t + s.durationMs, 0);
  const spec: UnnamedSpec = {
    executor: 'ramping-vus',
    startTimeMs: 0,
    gracefulStopMs,
    startVus: 0,
    stages,
    gracefulRampDownMs: 0,
  };
  return { spec, threads: total, loops: undefined, staggerMs: 0, durationMs };
}
