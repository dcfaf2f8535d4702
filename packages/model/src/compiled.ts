/** A test ready to run: what a script front-end produces and an agent or `dlt run` executes. */
import type { ExecutorSpec } from './executor.ts';
import type { ThresholdSpec } from './threshold.ts';
import type { VuProgram } from './vu-program.ts';

export interface CompiledTest {
  /** Where it came from, for messages. */
  readonly source: string;
  readonly executors: readonly ExecutorSpec[];
  /** VU programs by name; every executor's `program` is a key here. */
  readonly programs: Readonly<Record<string, VuProgram>>;
  readonly thresholds: readonly ThresholdSpec[];
  /** Non-fatal notes for the user (an option ignored, a default applied). */
  readonly warnings: readonly string[];
}
