/**
 * The VU program of a simple scenario: every request is prepared once, then each
 * iteration sends them in order, pausing the think time after each, and stops as soon as the
 * VU is told to.
 */
import type { PreparedRequest, VuContext, VuProgram } from '@dlt/model';
import type { SimpleStep } from './requests.ts';

/** A program sending `steps` in order; `name` names the scenario it runs. */
export function simpleProgram(_name: string, steps: readonly SimpleStep[]): VuProgram {
  // Prepared by the first VU and sent by all of this program's VUs: a prepared request is
  // plain data (see VuContext.prepare), so 10,000 VUs hold one copy, not 10,000.
  let list: readonly PreparedRequest[] | null = null;
  const prepared = (ctx: VuContext): readonly PreparedRequest[] => {
    list ??= steps.map((s) => ctx.prepare(s.request));
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
