/** A test ready to run: what a script front-end produces and an agent or `dlt run` executes. */
import type { ExecutorSpec } from './executor.ts';
import type { ThresholdSpec } from './threshold.ts';
import type { VuContext, VuProgram } from './vu-program.ts';

/**
 * Code a test runs once outside its executors (k6's `setup` and `teardown`), given a context
 * whose requests are measured like any other. Setup's result crosses as JSON text, so the copy
 * of the test that ran `setup` can hand it to copies on other threads or machines.
 */
export interface TestLifecycle {
  /** Runs before the start; resolves to setup's result as JSON (undefined when it returned nothing). */
  setup(ctx: VuContext): Promise<string | undefined>;
  /** Hands setup's result to this copy's VU programs; call it before the start. */
  useData(json: string | undefined): void;
  /** Runs after the end, given setup's result. */
  teardown(ctx: VuContext, json: string | undefined): Promise<void>;
}

export interface CompiledTest {
  /** Where it came from, for messages. */
  readonly source: string;
  readonly executors: readonly ExecutorSpec[];
  /** VU programs by name; every executor's `program` is a key here. */
  readonly programs: Readonly<Record<string, VuProgram>>;
  readonly thresholds: readonly ThresholdSpec[];
  /** Non-fatal notes for the user (an option ignored, a default applied). */
  readonly warnings: readonly string[];
  /** Setup and teardown, for formats that have them (k6). */
  readonly lifecycle?: TestLifecycle;
  /**
   * Load made by another tool's process instead of the engine (Locust). A test with these has
   * no executors; the agent runs each process and records the requests it reports.
   */
  readonly external?: readonly ExternalRun[];
}

/**
 * One run of a real Locust, headless: `users` users spawned at `spawnRate` per second, for
 * `runTimeMs` (ramp-up included), after `startTimeMs`; each request it makes becomes a sample
 * of scenario `name`.
 */
export interface ExternalRun {
  readonly tool: 'locust';
  /** The execution's name: the samples' `scenario`. */
  readonly name: string;
  /** Absolute path of the locustfile; it runs in the file's folder. */
  readonly file: string;
  /** The scenario's `default-address` (Locust's `--host`), when given. */
  readonly host?: string;
  readonly users: number;
  readonly spawnRate: number;
  readonly runTimeMs: number;
  readonly startTimeMs: number;
  /** How long running tasks may finish at the end (Locust's `--stop-timeout`). */
  readonly stopTimeoutMs: number;
  /** User classes to run (all of the file's when empty). */
  readonly userClasses: readonly string[];
  /** Variables the test may see (`-e` values for `dlt run`), passed to the process's environment. */
  readonly env: Readonly<Record<string, string>>;
}
