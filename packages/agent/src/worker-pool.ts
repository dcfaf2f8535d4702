/**
 * Runs a test on several worker threads, one share each: all compile and make their VUs, then
 * start at one instant; their snapshots are merged second by second and their results at the
 * end, exactly (histograms added, never averaged).
 */
import { Worker } from 'node:worker_threads';
import { mergeResults, mergeSnapshots } from '@dlt/metrics';
import { badInput, DltError, ErrorCode, type Snapshot, type TaskResult } from '@dlt/model';
import type { ShareOutcome } from './run-share.ts';
import type { TestSource } from './test-source.ts';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.ts';

export interface PoolOptions {
  readonly count: number;
  readonly signal?: AbortSignal;
  readonly withResults?: boolean;
  /** Each second, merged over the workers; `result` is the merged cumulative result when asked. */
  readonly onSecond?: (snapshot: Snapshot, result?: TaskResult) => void;
}

/** How long after the last worker is ready the common start is set, so the message reaches all. */
const startDelayMs = 20;

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  done?: ShareOutcome;
  lastAt: number;
  latest?: TaskResult;
}

/** Runs `source` on `count` worker threads and merges what they measured. */
export function runOnWorkers(source: TestSource, options: PoolOptions): Promise<ShareOutcome> {
  return new Promise((resolve, reject) => {
    const seconds = new Map<number, Snapshot[]>();
    const slots: Slot[] = Array.from({ length: options.count }, (_, index) => {
      const input: WorkerInput = { source, index, count: options.count, withResults: options.withResults ?? false };
      const worker = new Worker(new URL('./worker-main.ts', import.meta.url), { workerData: input });
      return { worker, ready: false, lastAt: -Infinity };
    });
    const post = (m: ToWorker) => {
      for (const s of slots) if (!s.done) s.worker.postMessage(m);
    };
    const onAbort = () => post({ type: 'stop' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const s of slots) void s.worker.terminate();
      reject(e);
    };
    // A second is complete when every worker still running has moved past it.
    const flush = (final: boolean) => {
      const running = slots.filter((s) => !s.done);
      const horizon = final || running.length === 0 ? Infinity : Math.min(...running.map((s) => s.lastAt));
      for (const at of [...seconds.keys()].sort((a, b) => a - b)) {
        if (at > horizon) break;
        const snaps = seconds.get(at) ?? [];
        seconds.delete(at);
        const latest = slots.flatMap((s) => (s.latest ? [s.latest] : []));
        options.onSecond?.(
          mergeSnapshots(snaps),
          options.withResults && latest.length > 0 ? mergeResults(latest) : undefined,
        );
      }
    };
    const finish = () => {
      options.signal?.removeEventListener('abort', onAbort);
      flush(true);
      const outcomes = slots.map((s) => s.done as ShareOutcome);
      resolve({
        result: mergeResults(outcomes.map((o) => o.result)),
        interrupted: outcomes.some((o) => o.interrupted),
      });
    };
    slots.forEach((slot) => {
      slot.worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            slot.ready = true;
            if (slots.every((s) => s.ready)) post({ type: 'start', atEpochMs: Date.now() + startDelayMs });
            return;
          case 'started':
            return;
          case 'second':
            slot.lastAt = m.snapshot.at;
            if (m.result) slot.latest = m.result;
            seconds.set(m.snapshot.at, [...(seconds.get(m.snapshot.at) ?? []), m.snapshot]);
            flush(false);
            return;
          case 'done':
            slot.done = { result: m.result, interrupted: m.interrupted };
            slot.latest = m.result;
            if (slots.every((s) => s.done)) finish();
            else flush(false);
            return;
          case 'failed':
            fail(
              m.badInput
                ? badInput(m.problems, m.message.split('\n')[0].replace(/:$/, ''))
                : new DltError(ErrorCode.Internal, `worker ${slots.indexOf(slot) + 1}: ${m.message}`),
            );
            return;
          default:
            return assertNever(m);
        }
      });
      slot.worker.on('error', (e) =>
        fail(new DltError(ErrorCode.Internal, `worker failed: ${e.message}`, { cause: e })),
      );
      slot.worker.on('exit', (code) => {
        if (!slot.done && !failed) fail(new DltError(ErrorCode.Internal, `a worker exited early (code ${code})`));
      });
    });
  });
}

function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}
