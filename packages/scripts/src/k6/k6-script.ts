/**
 * A loaded k6 script: its sandbox, its entry module, what its VUs share (files, custom
 * metrics, setup's data), and how errors thrown by the script are shown on the run's log.
 */
import { relative } from 'node:path';
import type { FileReader } from './files.ts';
import type { MetricRegistry } from './metric-registry.ts';
import type { Sandbox } from './sandbox.ts';
import type { HostDeps } from './vu-host.ts';

/** How often one error message is printed before the log stops repeating it. */
const repeatsShown = 3;

/** What makes a `K6Script`. */
export interface K6ScriptParts {
  readonly sandbox: Sandbox;
  readonly entry: string;
  readonly files: FileReader;
  readonly metrics: MetricRegistry;
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

/** The state one compiled k6 test shares between its VUs. */
export class K6Script {
  readonly sandbox: Sandbox;
  readonly entry: string;
  readonly files: FileReader;
  readonly metrics: MetricRegistry;
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
  /**
   * Longest stretch of computing without waiting. Such a stretch blocks every VU of the
   * process (and the timers that would stop it), so it is cut short with an error.
   */
  readonly budgetMs = 2_000;
  readonly initTimeoutMs = 60_000;
  optionsJson = '{}';
  /** `setup()`'s result as JSON; undefined when there is none. */
  setupJson: string | undefined;
  readonly #seen = new Map<string, number>();
  readonly #realmError: (message: string) => Error;

  constructor(parts: K6ScriptParts) {
    this.sandbox = parts.sandbox;
    this.entry = parts.entry;
    this.files = parts.files;
    this.metrics = parts.metrics;
    this.env = parts.env;
    this.log = parts.log;
    const make = parts.sandbox.realmErrorMaker();
    this.#realmError = (message) => make(message);
  }

  /** The dependencies of one VU's host, with `env` as its `__ENV`. */
  hostDeps(env: Readonly<Record<string, string>>): HostDeps {
    return {
      env,
      optionsJson: this.optionsJson,
      files: this.files,
      metrics: this.metrics,
      factory: (path) => this.sandbox.factory(path),
      log: this.log,
      budgetMs: this.budgetMs,
      realmError: this.#realmError,
    };
  }

  /** `file:line:column` of the first frame of a stack that is in the script's own files. */
  where(stack: string): string | undefined {
    for (const m of stack.matchAll(/\(?((?:\/|[A-Za-z]:\\)[^():\n]+):(\d+):(\d+)\)?/g)) {
      if (!this.sandbox.has(m[1])) continue;
      return `${relative(process.cwd(), m[1]) || m[1]}:${m[2]}:${m[3]}`;
    }
    return undefined;
  }

  /** Prints an error thrown by an iteration (k6 prints them too), a few times per message. */
  report(vuId: number, message: string, stack: string): void {
    const n = (this.#seen.get(message) ?? 0) + 1;
    this.#seen.set(message, n);
    if (n > repeatsShown) return;
    const at = this.where(stack);
    const more = n === repeatsShown ? ' (further errors with this message are not shown)' : '';
    this.log(`error: VU ${vuId}: ${message}${at ? ` at ${at}` : ''}${more}`);
  }
}

/** The message and stack of anything thrown, from Node's realm or the sandbox's (where `instanceof Error` fails). */
export function errorText(e: unknown): { message: string; stack: string } {
  try {
    if (typeof e === 'object' && e !== null && 'message' in e) {
      const x = e as { message: unknown; stack?: unknown };
      return { message: String(x.message), stack: String(x.stack ?? '') };
    }
    return { message: String(e), stack: '' };
  } catch {
    return { message: 'an error that cannot be shown', stack: '' };
  }
}
