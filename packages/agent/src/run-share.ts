/**
 * Runs one share of a test (all of it when `count` is 1) into a recorder, closing a snapshot at
 * every wall-clock second so shares running on other threads or machines line up second by
 * second and merge exactly.
 */
import { runTest } from '@dlt/engine';
import { Recorder, submetricSelectors } from '@dlt/metrics';
import type { CompiledTest, Snapshot, TaskResult } from '@dlt/model';
import { onLifecycleVu, runSetup } from './lifecycle.ts';
import { runExternal } from './locust/run-locust.ts';
import { splitExecutors } from './split.ts';

export interface ShareOptions {
  readonly index: number;
  readonly count: number;
  /** Start at this wall-clock instant (epoch ms) rather than at once. */
  readonly startAtEpochMs?: number;
  readonly signal?: AbortSignal;
  /** Every second; `result` is the cumulative result when `withResults` is set. */
  readonly onSecond?: (snapshot: Snapshot, result?: TaskResult) => void;
  readonly withResults?: boolean;
  /**
   * Setup's result from the copy of the test that ran it (k6): this share then runs neither
   * setup nor teardown. Without it, a test with a lifecycle runs both here.
   */
  readonly setupData?: { readonly json: string | undefined };
  /** Called at the actual start (epoch ms, fractional), once the VUs are warm. */
  readonly onStart?: (startedAtEpochMs: number) => void;
  /** What the user should hear of that no number says (a Locust task's exceptions). */
  readonly onWarning?: (message: string) => void;
}

export interface ShareOutcome {
  readonly result: TaskResult;
  readonly interrupted: boolean;
}

/** Runs this share of `test`; resolves when it ends. */
export async function runShare(test: CompiledTest, options: ShareOptions): Promise<ShareOutcome> {
  const share: CompiledTest = { ...test, executors: splitExecutors(test.executors, options.index, options.count) };
  // The sub-metrics the thresholds filter on (`{scenario:buy}`) are kept from the first request.
  const recorder = new Recorder({ submetrics: submetricSelectors(test.thresholds) });
  const ticker = everySecond(() => {
    const snapshot = recorder.tick();
    options.onSecond?.(snapshot, options.withResults ? recorder.result() : undefined);
  });
  try {
    if (share.external !== undefined && share.external.length > 0) {
      const run = await runExternal(share.external, {
        sink: recorder,
        signal: options.signal,
        startAtEpochMs: options.startAtEpochMs,
        onStart: (at) => {
          recorder.markStart(at);
          options.onStart?.(at);
        },
        ...(options.onWarning ? { log: options.onWarning } : {}),
      });
      return { result: recorder.result(), interrupted: run.interrupted };
    }
    if (share.executors.length === 0 || options.signal?.aborted) {
      return { result: recorder.result(), interrupted: options.signal?.aborted ?? false };
    }
    const life = share.lifecycle;
    const data = life ? await runSetup(life, recorder, options.signal, options.setupData) : undefined;
    const run = await runTest(share, {
      sink: recorder,
      signal: options.signal,
      startAtEpochMs: options.startAtEpochMs,
      onStart: (at) => {
        recorder.markStart(at);
        options.onStart?.(at);
      },
    });
    if (life && !options.setupData)
      await onLifecycleVu('teardown', recorder, undefined, (ctx) => life.teardown(ctx, data));
    return { result: recorder.result(), interrupted: run.interrupted };
  } finally {
    ticker.stop();
  }
}

/** Calls `fn` just after every wall-clock second boundary until stopped. */
export function everySecond(fn: () => void): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    // 2 ms past the boundary, so the second just ended is closed, not the one starting.
    const wait = 1000 - (Date.now() % 1000) + 2;
    timer = setTimeout(() => {
      if (stopped) return;
      fn();
      arm();
    }, wait);
  };
  arm();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
