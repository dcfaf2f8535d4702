/**
 * JMeter's timers compiled into delays before each sampler in their scope (delays of several
 * timers add up): Constant, Uniform Random, Gaussian Random and Constant Throughput timers; the
 * shared-rate timers are in rate-timers.ts.
 */
import type { CompileContext } from './compile-context.ts';
import type { JmxElement } from './jmx-tree.ts';
import { preciseThroughputTimer, shapingTimer } from './rate-timers.ts';
import type { Thread } from './scope.ts';

/** The delay in ms before the next sampler. */
export type Timer = (t: Thread) => number;

export const timerTypes = [
  'ConstantTimer',
  'UniformRandomTimer',
  'GaussianRandomTimer',
  'PoissonRandomTimer',
  'ConstantThroughputTimer',
  'kg.apc.jmeter.timers.VariableThroughputTimer',
  'PreciseThroughputTimer',
  'SyncTimer',
] as const;

const num = (s: string) => {
  const n = Number(s.trim());
  return Number.isFinite(n) ? n : 0;
};

/** Compiles a timer element (one of `timerTypes`). */
export function compileTimer(el: JmxElement, cx: CompileContext): Timer {
  const delay = cx.prop(el, 'ConstantTimer.delay', el, '0');
  const range = cx.prop(el, 'RandomTimer.range', el, '0');
  switch (el.type) {
    case 'ConstantTimer':
      return (t) => num(delay(t));
    case 'UniformRandomTimer':
      return (t) => num(delay(t)) + Math.floor(Math.random() * num(range(t)));
    case 'GaussianRandomTimer':
      return (t) => Math.max(0, num(delay(t)) + Math.round(gaussian() * num(range(t))));
    case 'PoissonRandomTimer':
      return (t) => num(delay(t)) + poisson(num(range(t)));
    case 'kg.apc.jmeter.timers.VariableThroughputTimer':
      return shapingTimer(el, cx);
    case 'PreciseThroughputTimer':
      return preciseThroughputTimer(el, cx);
    case 'SyncTimer':
      cx.warn(el, 'the Synchronizing Timer is a no-op in dlt: threads are not held back to fire together');
      return () => 0;
    default:
      return throughputTimer(el, cx);
  }
}

/** A Poisson-distributed whole number of mean `lambda` (Knuth's method; large means by the normal approximation). */
function poisson(lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 500) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian()));
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = Math.random(); p > limit; p *= Math.random()) k++;
  return k;
}

/** A standard normal value (Box–Muller). */
function gaussian(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

/**
 * Constant Throughput Timer: samples per minute. Mode 0 paces each thread alone; the other
 * modes share the rate among the group's threads (1, 3: all threads of the test on this
 * process are counted as the group's, a close reading for one thread group). Each thread waits
 * until its interval since its previous paced sampler has passed.
 */
function throughputTimer(el: JmxElement, cx: CompileContext): Timer {
  const perMinute = el.props.has('throughput') ? cx.prop(el, 'throughput', el, '0') : () => '0';
  const mode = cx.number(el, 'calcMode', 0);
  if (mode > 4) cx.complain(el, `calculation mode ${mode} is not supported`);
  const key = {};
  return (t) => {
    const rate = num(perMinute(t));
    if (rate <= 0) return 0;
    const threads = mode === 0 ? 1 : t.group.threads;
    const intervalMs = (60_000 * threads) / rate;
    const now = performance.now();
    const last = t.own.get(key) as number | undefined;
    const at = last === undefined ? now : Math.max(now, last + intervalMs);
    t.own.set(key, at);
    return at - now;
  };
}
