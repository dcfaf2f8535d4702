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
}
