/**
 * The VU programs and the lifecycle of a k6 test: each VU of a scenario runs the script's init
 * code once (its own module instance), then calls the scenario's `exec` function every
 * iteration with setup's data; `setup` and `teardown` run on a VU of their own.
 */
import type { TestLifecycle, VuContext, VuProgram } from '@dlt/model';
import type { ScenarioRun } from './k6-options.ts';
import { errorText, type K6Script } from './k6-script.ts';
import { K6Vu, withTimeout } from './k6-vu.ts';

/** The program of one scenario. */
export function k6Program(script: K6Script, run: ScenarioRun): VuProgram {
  const vus = new WeakMap<VuContext, K6Vu>();
  const env = { ...script.env, ...run.env };
  return {
    async init(ctx) {
      try {
        vus.set(ctx, await K6Vu.create(script, { vuId: ctx.vu, scenario: run.name, env }, ctx));
      } catch (e) {
        const { message, stack } = errorText(e);
        const at = script.where(stack);
        script.log(`error: VU ${ctx.vu}: the init code failed: ${message}${at ? ` at ${at}` : ''}`);
        throw e;
      }
    },
    async iteration(ctx) {
      const vu = vus.get(ctx);
      if (vu === undefined) throw new Error('the VU was not initialised');
      try {
        await vu.call(run.exec, ctx.iteration, ctx);
      } catch (e) {
        if (!vu.isInterruption(e) && !ctx.signal.aborted) {
          const d = vu.describe(e);
          script.report(ctx.vu, d.message, d.stack);
          throw new Error(d.message);
        }
        throw new Error('interrupted');
      }
    },
  };
}

/** Timeouts of k6's setup and teardown (k6's defaults: 60 s each). */
export interface LifecycleTimeouts {
  readonly setupMs: number;
  readonly teardownMs: number;
}

/** `setup` and `teardown` when the script exports them. */
export function k6Lifecycle(
  script: K6Script,
  exported: readonly string[],
  timeouts: LifecycleTimeouts,
): TestLifecycle | undefined {
  const hasSetup = exported.includes('setup');
  const hasTeardown = exported.includes('teardown');
  if (!hasSetup && !hasTeardown) return undefined;
  const runOn = async (ctx: VuContext, name: string, ms: number): Promise<unknown> => {
    const vu = await K6Vu.create(script, { vuId: 0, scenario: name, env: script.env }, ctx);
    try {
      return await withTimeout(vu.call(name, 0, ctx), ms, `${name}()`);
    } catch (e) {
      const d = vu.describe(e);
      const at = script.where(d.stack);
      throw new Error(`${name}() failed: ${d.message}${at ? ` at ${at}` : ''}`);
    }
  };
  return {
    async setup(ctx) {
      if (!hasSetup) return undefined;
      const value = await runOn(ctx, 'setup', timeouts.setupMs);
      const json = value === undefined ? undefined : JSON.stringify(value);
      script.setupJson = json;
      return json;
    },
    useData(json) {
      script.setupJson = json;
    },
    async teardown(ctx, json) {
      script.setupJson = json;
      if (hasTeardown) await runOn(ctx, 'teardown', timeouts.teardownMs);
    },
  };
}
