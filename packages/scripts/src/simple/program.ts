/**
 * The VU program of a simple scenario: each VU prepares every request once, then each
 * iteration sends them in order, pausing the think time after each, and stops as soon as the
 * VU is told to.
 */
import type { PreparedRequest, VuContext, VuProgram } from '@dlt/model';
import type { SimpleStep } from './requests.ts';

/** A program sending `steps` in order; `name` names the scenario it runs. */
export function simpleProgram(_name: string, steps: readonly SimpleStep[]): VuProgram {
  // Each VU's prepared requests, kept by the program rather than in the VU's vars: an idle VU
  // then needs no vars map of its own, and the entry goes when the VU does.
  const byVu = new WeakMap<VuContext, readonly PreparedRequest[]>();
  const prepared = (ctx: VuContext): readonly PreparedRequest[] => {
    let list = byVu.get(ctx);
    if (list === undefined) {
      list = steps.map((s) => ctx.prepare(s.request));
      byVu.set(ctx, list);
    }
    return list;
  };
  return {
    init(ctx) {
      prepared(ctx);
    },
    async iteration(ctx) {
      const requests = prepared(ctx);
      for (let i = 0; i < steps.length; i++) {
        if (ctx.signal.aborted) return;
        await ctx.send(requests[i]);
        const think = steps[i].thinkMs;
        if (think > 0 && !ctx.signal.aborted) await ctx.sleep(think);
      }
    },
  };
}
