/**
 * One k6 VU on the host side: its runtime in the sandbox, its own instance of the script's
 * modules (k6 runs the init code once per VU), and calls of the script's exported functions.
 */
import type { VuContext } from '@dlt/model';
import type { K6Script } from './k6-script.ts';
import type { VuRuntime } from './sandbox.ts';
import { type HostState, makeHost } from './vu-host.ts';

/** Who a VU is: its number, scenario and environment (`__ENV`). */
export interface VuIdentity {
  readonly vuId: number;
  readonly scenario: string;
  readonly env: Readonly<Record<string, string>>;
}

/** A VU whose init code has run. */
export class K6Vu {
  readonly #runtime: VuRuntime;
  readonly #state: HostState;
  readonly #exports: Record<string, unknown>;
  readonly #script: K6Script;
  #data: { value: unknown } | undefined;

  private constructor(script: K6Script, runtime: VuRuntime, state: HostState, exports: Record<string, unknown>) {
    this.#script = script;
    this.#runtime = runtime;
    this.#state = state;
    this.#exports = exports;
  }

  /** Runs the init code for a new VU; `ctx` is where its requests go once it runs. */
  static async create(script: K6Script, who: VuIdentity, ctx: VuContext | undefined): Promise<K6Vu> {
    const state: HostState = { phase: 'init', iteration: 0, ctx, vuId: who.vuId, scenario: who.scenario };
    const runtime = script.sandbox.runtime(makeHost(script.hostDeps(who.env), state));
    const exports = await withTimeout(runtime.load(script.entry), script.initTimeoutMs, 'the init code');
    state.phase = 'vu';
    runtime.setPhase('vu');
    return new K6Vu(script, runtime, state, exports);
  }

  /** The entry module's exports (objects of the sandbox's realm). */
  get exports(): Record<string, unknown> {
    return this.#exports;
  }

  /** Calls exported function `name` as iteration `iteration`, with setup's data when there is some. */
  async call(name: string, iteration: number, ctx?: VuContext): Promise<unknown> {
    if (ctx !== undefined) this.#state.ctx = ctx;
    this.#state.iteration = iteration;
    this.#runtime.setIteration(iteration);
    const fn = this.#exports[name];
    if (typeof fn !== 'function') throw new Error(`the script exports no function ${name}`);
    this.#data ??= { value: this.#runtime.parseJson(this.#script.setupJson) };
    return await (fn as (data: unknown) => unknown)(this.#data.value);
  }

  /** Whether `e` is the runtime stopping a VU (not an error of the script). */
  isInterruption(e: unknown): boolean {
    return this.#runtime.isInterruption(e);
  }

  /** The message and stack of what the script threw. */
  describe(e: unknown): { message: string; stack: string } {
    try {
      return this.#runtime.describe(e);
    } catch {
      return { message: 'an error that cannot be shown', stack: '' };
    }
  }
}

/** Resolves as `p` does, or rejects once `ms` has passed. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
