/**
 * The VU program of a simple scenario: each VU prepares every request once, then each
 * iteration sends them in order, pausing the think time after each, and stops as soon as the
 * VU is told to.
 */
import type { PreparedRequest, VuContext, VuProgram } from '@dlt/model';
import type { SimpleStep } from './requests.ts';

/** A program sending `steps` in order; `name` keys its prepared requests in the VU's vars. */
export function simpleProgram(name: string, steps: readonly SimpleStep[]): VuProgram {
  const key = `dlt.simple.prepared:${name}`;
  const prepared = (ctx: VuContext): readonly PreparedRequest[] => {
    let list = ctx.vars.get(key) as readonly PreparedRequest[] | undefined;
    if (list === undefined) {
      list = steps.map((s) => ctx.prepare(s.request));
      ctx.vars.set(key, list);
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
