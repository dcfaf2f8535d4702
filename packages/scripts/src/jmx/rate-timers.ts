/**
 * Timers that hold the samplers in their scope to a rate shared by every thread of the test:
 * the Throughput Shaping Timer (jpgc plugin: rows of start rate, end rate and seconds, the rate
 * going in straight lines; when the schedule is over the test stops, as the plugin does) and the
 * Precise Throughput Timer (samples per period). The n-th sample is due when the schedule's
 * cumulative count reaches n; each sampler waits for its turn.
 */
import type { CompileContext } from './compile-context.ts';
import type { JmxElement } from './jmx-tree.ts';
import { items } from './props.ts';
import type { Thread } from './scope.ts';
import type { Timer } from './timers.ts';

/** One straight piece of a rate schedule: from `from` to `to` per second over `seconds`. */
export interface RateRow {
  readonly from: number;
  readonly to: number;
  readonly seconds: number;
}

/**
 * When (seconds from the start) the schedule's cumulative count reaches `n`, or undefined
 * when the schedule ends first. Within a row the rate is linear, so the count is quadratic.
 */
export function dueAt(rows: readonly RateRow[], n: number): number | undefined {
  let start = 0;
  let done = 0;
  for (const { from, to, seconds } of rows) {
    const slope = seconds > 0 ? (to - from) / seconds : 0;
    const inRow = (from + to) * seconds * 0.5;
    if (done + inRow >= n && inRow > 0) {
      const need = n - done;
      // from·x + slope·x²/2 = need
      const x = slope === 0 ? need / from : (-from + Math.sqrt(from * from + 2 * slope * need)) / slope;
      return start + Math.min(seconds, Math.max(0, x));
    }
    done += inRow;
    start += seconds;
  }
  return undefined;
}

interface Pace {
  startedAt: number | undefined;
  issued: number;
  stopping: boolean;
}

/** A timer pacing to `rows` over all threads; past the end of the schedule it stops the test when `stopAtEnd`. */
function pacer(rows: readonly RateRow[], stopAtEnd: boolean): Timer {
  const key = {};
  const totalSeconds = rows.reduce((sum, r) => sum + r.seconds, 0);
  return (t: Thread) => {
    const pace = (t.test.shared.get(key) as Pace | undefined) ?? { startedAt: undefined, issued: 0, stopping: false };
    t.test.shared.set(key, pace);
    const now = performance.now();
    pace.startedAt ??= now;
    pace.issued++;
    const due = dueAt(rows, pace.issued);
    if (due !== undefined) return Math.max(0, pace.startedAt + due * 1000 - now);
    if (!stopAtEnd) return 0;
    // Past the schedule: the test stops at its end (samples still due before it are sent); this
    // thread waits until then and finds the test stopped.
    // (A little after the end, so a sample due at the very end is not cut off by a timer race.)
    const untilEnd = Math.max(0, pace.startedAt + totalSeconds * 1000 + 20 - now);
    if (!pace.stopping) {
      pace.stopping = true;
      const stop = () => {
        t.test.stopped = true;
      };
      if (untilEnd === 0) stop();
      else setTimeout(stop, untilEnd).unref();
    }
    return untilEnd + 1;
  };
}

/** `kg.apc.jmeter.timers.VariableThroughputTimer`: its `load_profile` rows. */
export function shapingTimer(el: JmxElement, cx: CompileContext): Timer {
  const rows = items(el, 'load_profile').map((row, i): RateRow => {
    const [from, to, seconds] = row.props.map((p) => Number(cx.template(el, p.value)(cx.planThread)));
    if (![from, to, seconds].every((n) => Number.isFinite(n) && n >= 0))
      cx.complain(el, `schedule row ${i + 1} is not three numbers of at least 0 (start RPS, end RPS, seconds)`);
    return { from: from || 0, to: to || 0, seconds: seconds || 0 };
  });
  if (rows.length === 0) cx.complain(el, 'has no schedule rows');
  return pacer(rows, true);
}

/** `PreciseThroughputTimer`: `throughput` samples every `throughputPeriod` seconds, evenly spaced. */
export function preciseThroughputTimer(el: JmxElement, cx: CompileContext): Timer {
  const samples = cx.number(el, 'throughput', 100);
  const period = cx.number(el, 'throughputPeriod', 3600);
  if (samples <= 0 || period <= 0) cx.complain(el, 'throughput and its period must be more than 0');
  const rate = samples > 0 && period > 0 ? samples / period : 1;
  return pacer([{ from: rate, to: rate, seconds: Number.MAX_SAFE_INTEGER / 1e6 }], false);
}
