/**
 * The realm a k6 script runs in: a `node:vm` context holding only JavaScript's built-ins (no
 * `require`, `process`, timers, `Atomics.wait`, nor code from strings), with the k6 runtime
 * and the script's rewritten modules compiled into it once. Every VU of the test shares the
 * realm and gets its own runtime and module instances, which is what k6's per-VU init costs.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import type { VuHost } from './vu-host.ts';

/** A function of the sandbox's realm, called from Node. */
type RealmFunction = (...args: unknown[]) => unknown;

/** What the runtime gives the host for one VU (objects of the sandbox's realm). */
export interface VuRuntime {
  load(spec: string): Promise<Record<string, unknown>>;
  parseJson(text: string | undefined): unknown;
  setPhase(phase: 'init' | 'vu'): void;
  setIteration(n: number): void;
  isInterruption(e: unknown): boolean;
  describe(e: unknown): { readonly message: string; readonly stack: string };
}

/** How long compiling and evaluating the runtime and the modules' definitions may take. */
const compileTimeoutMs = 5_000;

function runtimeSource(name: string): string {
  return readFileSync(new URL(`./runtime/${name}`, import.meta.url), 'utf8');
}

/** One sandbox per compiled test. */
export class Sandbox {
  readonly #context: vm.Context;
  readonly #factories = new Map<string, RealmFunction>();
  readonly #makeRuntime: RealmFunction;
  readonly #makeHttp: RealmFunction;
  readonly #shared: unknown;

  /** `modules` maps each module's path to its rewritten factory expression. */
  constructor(modules: ReadonlyMap<string, string>) {
    this.#context = vm.createContext(Object.create(null), {
      name: 'k6 script',
      codeGeneration: { strings: false, wasm: false },
    });
    // Blocking the thread or compiling code outside the script are not for scripts.
    vm.runInContext(
      'delete globalThis.Atomics; delete globalThis.SharedArrayBuffer; delete globalThis.WebAssembly; delete globalThis.console;',
      this.#context,
    );
    this.#makeRuntime = this.#evaluate(`${runtimeSource('vu-runtime.js')}\n;dltK6Runtime`, 'dlt:k6-runtime');
    this.#makeHttp = this.#evaluate(`${runtimeSource('http-runtime.js')}\n;dltK6Http`, 'dlt:k6-http');
    this.#shared = vm.runInContext('({ arrays: new Map() })', this.#context);
    for (const [path, code] of modules) this.#factories.set(path, this.#evaluate(`"use strict";(${code})`, path));
  }

  #evaluate(code: string, filename: string): RealmFunction {
    return new vm.Script(code, { filename }).runInContext(this.#context, { timeout: compileTimeoutMs });
  }

  /** The factory of a module, for the runtime's `load`. */
  factory(path: string): RealmFunction {
    const f = this.#factories.get(path);
    if (f === undefined) throw new Error(`module ${path} is not part of the script`);
    return f;
  }

  /** Whether `path` is one of the script's modules. */
  has(path: string): boolean {
    return this.#factories.has(path);
  }

  /** Makes errors of the sandbox's realm, which is all a host function may throw at the script. */
  realmErrorMaker(): (message: string) => Error {
    return vm.runInContext('(message) => new Error(message)', this.#context) as (message: string) => Error;
  }

  /** A fresh runtime for one VU, talking to Node only through `host`. */
  runtime(host: VuHost): VuRuntime {
    return this.#makeRuntime(host, this.#shared, this.#makeHttp) as VuRuntime;
  }
}
