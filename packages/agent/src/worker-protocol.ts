/**
 * Messages between `runLocal` and its worker threads: one file of discriminated unions, each
 * side switching over them exhaustively.
 */
import type { Problem, Snapshot, TaskResult, ThresholdSpec } from '@dlt/model';
import type { TestSource } from './test-source.ts';

/** What a worker is given when it starts. */
export interface WorkerInput {
  readonly source: TestSource;
  /** This worker's share: `index` of `count`. */
  readonly index: number;
  readonly count: number;
  /** Send a cumulative result with every snapshot (for abort-on-fail thresholds). */
  readonly withResults: boolean;
}

export type ToWorker =
  /** Start at this wall-clock instant (epoch ms), the same for every worker. */
  | { readonly type: 'start'; readonly atEpochMs: number }
  /** Stop now: running iterations are interrupted. */
  | { readonly type: 'stop' };

export type FromWorker =
  /** Compiled and VUs made; waiting for `start`. The test's warnings and thresholds come along. */
  | {
      readonly type: 'ready';
      readonly warnings?: readonly string[];
      readonly thresholds?: readonly ThresholdSpec[];
    }
  /** The engine started, at this wall-clock instant. */
  | { readonly type: 'started'; readonly atEpochMs: number }
  | { readonly type: 'second'; readonly snapshot: Snapshot; readonly result?: TaskResult }
  | { readonly type: 'done'; readonly result: TaskResult; readonly interrupted: boolean }
  | {
      readonly type: 'failed';
      readonly message: string;
      readonly badInput: boolean;
      readonly problems: readonly Problem[];
    };
