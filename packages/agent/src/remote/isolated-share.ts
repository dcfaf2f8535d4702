/**
 * One share of a test run on a worker thread of its own with a capped heap, for scripts that
 * come from someone else: a script that allocates without bound ends its worker (the task fails
 * with a clear error) instead of the agent process, and its init code runs there too.
 */
import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { badInput, DltError, ErrorCode, type ThresholdSpec } from '@dlt/model';
import type { ShareOptions, ShareOutcome } from '../run-share.ts';
import type { TestSource } from '../test-source.ts';
import type { FromWorker, ToWorker, WorkerInput } from '../worker-protocol.ts';

/** The heap a task's worker may use: a quarter of the machine's memory, between 512 MB and 4 GB. */
export const taskHeapMb = Math.round(Math.min(4096, Math.max(512, totalmem() / 4 / 1024 / 1024)));

type Listener = (m: FromWorker) => void;

/** A compiled share waiting on its worker for the start. */
export class IsolatedShare {
  readonly warnings: readonly string[];
  readonly thresholds: readonly ThresholdSpec[];
  readonly #worker: Worker;
  readonly #heapMb: number;
  #listener: Listener = () => {};
  #crash: (e: Error) => void = () => {};

  private constructor(worker: Worker, ready: Extract<FromWorker, { type: 'ready' }>, heapMb: number) {
    this.#worker = worker;
    this.#heapMb = heapMb;
    this.warnings = ready.warnings ?? [];
    this.thresholds = ready.thresholds ?? [];
    worker.on('message', (m: FromWorker) => this.#listener(m));
    worker.on('error', (e) => this.#crash(workerError(e, heapMb)));
    worker.on('exit', (code) =>
      this.#crash(new DltError(ErrorCode.Internal, `the task's worker exited (code ${code})`)),
    );
  }

  /** Starts a worker that compiles `source` and makes its VUs; resolves once it is ready. */
  static prepare(
    source: TestSource,
    share: { readonly index: number; readonly count: number },
    heapMb = taskHeapMb,
  ): Promise<IsolatedShare> {
    const input: WorkerInput = { source, index: share.index, count: share.count, withResults: false };
    const worker = new Worker(new URL('../worker-main.ts', import.meta.url), {
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        void worker.terminate();
        reject(e);
      };
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          worker.removeAllListeners();
          resolve(new IsolatedShare(worker, m, heapMb));
        } else if (m.type === 'failed') fail(failure(m));
      });
      worker.once('error', (e) => fail(workerError(e, heapMb)));
      worker.once('exit', (code) => fail(new DltError(ErrorCode.Internal, `the task's worker exited (code ${code})`)));
    });
  }

  /** Runs at `startAtEpochMs` (at once without it) until done or `signal`; then the worker ends. */
  run(options: Pick<ShareOptions, 'signal' | 'startAtEpochMs' | 'onStart' | 'onSecond'>): Promise<ShareOutcome> {
    return new Promise<ShareOutcome>((resolve, reject) => {
      const post = (m: ToWorker) => this.#worker.postMessage(m);
      const onAbort = () => post({ type: 'stop' });
      const end = () => {
        options.signal?.removeEventListener('abort', onAbort);
        this.#crash = () => {};
        this.#listener = () => {};
        void this.#worker.terminate();
      };
      this.#crash = (e) => {
        end();
        reject(e);
      };
      this.#listener = (m) => {
        switch (m.type) {
          case 'started':
            options.onStart?.(m.atEpochMs);
            return;
          case 'second':
            options.onSecond?.(m.snapshot);
            return;
          case 'done':
            end();
            resolve({ result: m.result, interrupted: m.interrupted });
            return;
          case 'failed':
            end();
            reject(failure(m));
            return;
          case 'ready':
            return;
          default:
            return assertNever(m);
        }
      };
      if (options.signal?.aborted) post({ type: 'stop' });
      else {
        options.signal?.addEventListener('abort', onAbort, { once: true });
        post({ type: 'start', atEpochMs: options.startAtEpochMs ?? Date.now() });
      }
    });
  }

  /** Ends the worker without running (the task failed or was abandoned before its start). */
  terminate(): void {
    this.#crash = () => {};
    void this.#worker.terminate();
  }

  get heapMb(): number {
    return this.#heapMb;
  }
}

function failure(m: Extract<FromWorker, { type: 'failed' }>): Error {
  return m.badInput
    ? badInput(m.problems, m.message.split('\n')[0].replace(/:$/, ''))
    : new DltError(ErrorCode.Internal, m.message);
}

function workerError(e: Error, heapMb: number): Error {
  if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new DltError(
      ErrorCode.Internal,
      `the script used more than its ${heapMb} MB of memory and was stopped (does it keep everything it allocates?)`,
    );
  }
  return new DltError(ErrorCode.Internal, `the task's worker failed: ${e.message}`, { cause: e });
}

function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}
