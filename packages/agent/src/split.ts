/**
 * Splits a test's executors into `count` shares, one per worker thread (or per task), so that
 * the shares together do exactly what the whole would: the same VUs, the same iterations, the
 * same arrivals at the same times.
 *
 * Integers are split with the identity  Σ_{i<n} ⌊(x + i) / n⌋ = x, so shares differ by at most
 * one and always add up. Open-model schedules are striped: share i takes every n-th arrival
 * starting at the i-th (see `Stripe` in the model).
 */
import type { ExecutorSpec, Stage } from '@dlt/model';

/** The `index`-th of `count` near-equal integer parts of `x` (larger parts first). */
export function share(x: number, index: number, count: number): number {
  return Math.floor((x + count - 1 - index) / count);
}

function stages(list: readonly Stage[], index: number, count: number): Stage[] {
  return list.map((s) => ({ durationMs: s.durationMs, target: share(s.target, index, count) }));
}

/** One executor's share, or null when the share has nothing to do. */
export function splitExecutor(spec: ExecutorSpec, index: number, count: number): ExecutorSpec | null {
  if (count === 1) return spec;
  switch (spec.executor) {
    case 'constant-vus': {
      const vus = share(spec.vus, index, count);
      return vus === 0 ? null : { ...spec, vus };
    }
    case 'ramping-vus': {
      const startVus = share(spec.startVus, index, count);
      const st = stages(spec.stages, index, count);
      return startVus === 0 && st.every((s) => s.target === 0) ? null : { ...spec, startVus, stages: st };
    }
    case 'shared-iterations': {
      const iterations = share(spec.iterations, index, count);
      const vus = Math.min(share(spec.vus, index, count), iterations);
      return iterations === 0 || vus === 0 ? null : { ...spec, vus, iterations };
    }
    case 'per-vu-iterations': {
      const vus = share(spec.vus, index, count);
      return vus === 0 ? null : { ...spec, vus };
    }
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      // Every share needs at least one VU to start its arrivals.
      const maxVus = Math.max(1, share(spec.maxVus, index, count));
      const preAllocatedVus = Math.min(maxVus, Math.max(1, share(spec.preAllocatedVus, index, count)));
      const outer = spec.stripe ?? { index: 0, count: 1 };
      // Striping a striped schedule: share i of n of stripe (j of m) is stripe (j + m·i) of m·n.
      const stripe = { index: outer.index + outer.count * index, count: outer.count * count };
      return { ...spec, preAllocatedVus, maxVus, stripe };
    }
    default:
      return assertNever(spec);
  }
}

/** Every executor's share for worker `index` of `count`; executors with an empty share are left out. */
export function splitExecutors(specs: readonly ExecutorSpec[], index: number, count: number): ExecutorSpec[] {
  return specs.flatMap((s) => {
    const part = splitExecutor(s, index, count);
    return part === null ? [] : [part];
  });
}

function assertNever(x: never): never {
  throw new Error(`unexpected executor ${JSON.stringify(x)}`);
}
