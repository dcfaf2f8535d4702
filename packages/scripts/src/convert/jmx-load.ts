/**
 * A thread group's load as an execution item: the Taurus form where it says the same thing
 * (`concurrency`, `ramp-up`, `hold-for`, `iterations`, `start-time`), the k6 form otherwise
 * (the plugin thread groups' stages and arrival rates). The load is the one `dlt run plan.jmx`
 * would run (the JMeter front-end's own thread-group plan), so both send the same requests.
 */
import { formatDuration } from '@dlt/model';
import type { CompileContext } from '../jmx/compile-context.ts';
import type { JmxElement } from '../jmx/jmx-tree.ts';
import { groupPlan, type UnnamedSpec } from '../jmx/thread-groups.ts';
import { k6Fields } from './execution-item.ts';

/** One element (or one of its settings) that the conversion could not carry over. */
export interface Lost {
  readonly type: string;
  readonly name: string;
  /** Its path in the plan's tree. */
  readonly path: string;
  readonly what: string;
}

/** The execution item of a thread group, or undefined (with why in `lost`) when it has none. */
export function executionOf(
  el: JmxElement,
  cx: CompileContext,
  maxDurationMs: number,
  lost: Lost[],
): Record<string, unknown> | undefined {
  const miss = (what: string) => lost.push({ type: el.type, name: el.name, path: el.path, what });
  const plan = groupPlan(el, cx, maxDurationMs, false);
  if (plan === undefined) {
    miss('its load could not be converted (see the problems above), so its requests are not carried over');
    return undefined;
  }
  if (plan.role !== 'main') {
    miss(`a ${plan.role} thread group runs before or after the others; a simple test has no such order`);
    return undefined;
  }
  if (plan.onError !== 'continue') miss(`on a sampler error it does "${plan.onError}"; a simple test continues`);
  if (plan.staggerMs > 0)
    miss(
      `its threads start ${formatDuration(plan.staggerMs)} apart (ramp-up with a loop count); here all start at once`,
    );
  const item = loadFields(plan.spec, miss);
  if (plan.spec.startTimeMs > 0) item['start-time'] = formatDuration(plan.spec.startTimeMs);
  return item;
}

function loadFields(spec: UnnamedSpec, miss: (what: string) => void): Record<string, unknown> {
  const d = formatDuration;
  switch (spec.executor) {
    case 'constant-vus':
      return withLoops({ concurrency: spec.vus, 'hold-for': d(spec.durationMs) }, spec.iterationsPerVu);
    case 'per-vu-iterations':
      return { concurrency: spec.vus, iterations: spec.iterations };
    case 'ramping-vus': {
      const [up, hold, ...more] = spec.stages;
      const taurus =
        spec.startVus === 0 &&
        up !== undefined &&
        more.length === 0 &&
        (hold === undefined || hold.target === up.target) &&
        up.durationMs + (hold?.durationMs ?? 0) > 0;
      if (taurus) {
        const item: Record<string, unknown> = { concurrency: up.target };
        if (up.durationMs > 0) item['ramp-up'] = d(up.durationMs);
        if (hold !== undefined && hold.durationMs > 0) item['hold-for'] = d(hold.durationMs);
        return withLoops(item, spec.iterationsPerVu);
      }
      if (spec.iterationsPerVu !== undefined) miss(`each thread's ${spec.iterationsPerVu} loops are not carried over`);
      return k6Fields(spec);
    }
    default:
      return k6Fields(spec);
  }
}

function withLoops(item: Record<string, unknown>, loops: number | undefined): Record<string, unknown> {
  return loops === undefined ? item : { ...item, iterations: loops };
}
