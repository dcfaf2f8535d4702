/**
 * The live fan-out of runs: status changes and every task's per-second snapshot, published by
 * the orchestrator and delivered to whoever listens (the SSE route, tests). In-process; a
 * multi-replica server would put LISTEN/NOTIFY behind the same two calls.
 */
import type { Snapshot } from '@dlt/model';
import type { RunStatus } from './store/store.ts';

export type LiveEvent =
  | {
      readonly event: 'status';
      readonly data: {
        readonly runId: string;
        readonly testId: string;
        readonly status: RunStatus;
        readonly errorReason?: string;
      };
    }
  | {
      readonly event: 'snapshot';
      readonly data: {
        readonly runId: string;
        readonly taskId: string;
        readonly region: string;
        readonly snapshot: Snapshot;
      };
    };

type Listener = (e: LiveEvent) => void;

export class LiveFeed {
  readonly #listeners = new Map<string, Set<Listener>>();

  /** Calls `fn` with every event of `runId` until the returned function is called. */
  subscribe(runId: string, fn: Listener): () => void {
    const set = this.#listeners.get(runId) ?? new Set();
    set.add(fn);
    this.#listeners.set(runId, set);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.#listeners.delete(runId);
    };
  }

  publish(runId: string, e: LiveEvent): void {
    for (const fn of this.#listeners.get(runId) ?? []) {
      try {
        fn(e);
      } catch {
        // One broken listener must not keep the others (or the orchestrator) from their events.
      }
    }
  }
}
