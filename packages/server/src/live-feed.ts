/**
 * The live fan-out of runs: status changes, every task's per-second snapshot, and the seconds
 * merged over tasks and regions (`RunSeconds`), published by the orchestrator and delivered to
 * whoever listens (the SSE route, `/metrics`, tests). The merged seconds are kept while the run
 * goes on (and a minute after it ends), so a late subscriber can be sent what it missed.
 * In-process; a multi-replica server would put LISTEN/NOTIFY behind the same calls.
 */
import type { Snapshot } from '@dlt/model';
import { type LiveSecond, type RunCounters, RunSeconds, type RunSecondsOptions } from './live/run-seconds.ts';
import { isTerminal, type RunStatus } from './store/store.ts';

export type { LiveSecond } from './live/run-seconds.ts';

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
        /** The task's agent clock − server clock, ms (its `snapshot.at` is in the agent's clock). */
        readonly clockOffsetMs?: number;
        /** Tasks in the run: a merged second is whole once this many are in it. */
        readonly taskCount?: number;
      };
    }
  | { readonly event: 'second'; readonly data: LiveSecond };

type Listener = (e: LiveEvent) => void;

export interface LiveFeedOptions extends RunSecondsOptions {
  /** How long an ended run's seconds stay for late subscribers, ms. */
  readonly keepEndedMs: number;
}

export class LiveFeed {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #runs = new Map<string, RunSeconds>();
  readonly #latest = new Map<string, LiveSecond>();
  /** Runs that have ended (their seconds are kept a while, but no longer count as live). */
  readonly #over = new Set<string>();
  readonly #statusListeners = new Set<(runId: string, status: RunStatus) => void>();
  readonly #options: Partial<LiveFeedOptions>;

  constructor(options: Partial<LiveFeedOptions> = {}) {
    this.#options = options;
  }

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
    // The seconds still waiting go out before the final status, which ends the streams.
    if (e.event === 'status' && isTerminal(e.data.status)) this.#ended(runId);
    if (e.event === 'status') for (const fn of this.#statusListeners) fn(runId, e.data.status);
    this.#deliver(runId, e);
    if (e.event === 'snapshot' && !(this.#over.has(runId) && !this.#runs.has(runId))) {
      const d = e.data;
      const seconds = this.#seconds(runId);
      if (d.taskCount) seconds.expect(d.taskCount);
      seconds.add(d.taskId, d.region, d.snapshot, d.clockOffsetMs ?? 0);
    }
  }

  /**
   * Adds the seconds of a task's uploaded result that the live stream never had (its control
   * channel was down while the upload got through, or the server restarted); seconds it had
   * are skipped, so the live seconds add up to the results.
   */
  backfill(runId: string, taskId: string, region: string, timeline: readonly Snapshot[], offsetMs: number): void {
    if (this.#over.has(runId)) return;
    const seconds = this.#seconds(runId);
    for (const snapshot of timeline) seconds.add(taskId, region, snapshot, offsetMs);
  }

  /** The merged seconds of the run so far, oldest first (what a late subscriber missed). */
  history(runId: string): LiveSecond[] {
    return this.#runs.get(runId)?.history() ?? [];
  }

  /** What the run counted so far, per region (for `/metrics`). */
  totals(runId: string): Map<string, RunCounters> {
    return this.#runs.get(runId)?.totals() ?? new Map();
  }

  /** Calls `fn` with every status change of every run (for `/metrics`); returns the unsubscribe. */
  onStatus(fn: (runId: string, status: RunStatus) => void): () => void {
    this.#statusListeners.add(fn);
    return () => this.#statusListeners.delete(fn);
  }

  /** The newest merged second of every run that has one and has not ended (for `/metrics`). */
  latest(): ReadonlyMap<string, LiveSecond> {
    return this.#latest;
  }

  close(): void {
    for (const r of this.#runs.values()) r.close();
    this.#runs.clear();
    this.#latest.clear();
    this.#over.clear();
  }

  #seconds(runId: string): RunSeconds {
    let r = this.#runs.get(runId);
    if (!r) {
      r = new RunSeconds(
        runId,
        (second) => {
          const newest = this.#latest.get(runId);
          if (!this.#over.has(runId) && (!newest || newest.at <= second.at)) this.#latest.set(runId, second);
          this.#deliver(runId, { event: 'second', data: second });
        },
        this.#options,
      );
      this.#runs.set(runId, r);
    }
    return r;
  }

  #ended(runId: string): void {
    const r = this.#runs.get(runId);
    r?.flush();
    this.#over.add(runId);
    this.#latest.delete(runId);
    const timer = setTimeout(() => {
      this.#over.delete(runId);
      if (!r || this.#runs.get(runId) !== r) return;
      r.close();
      this.#runs.delete(runId);
    }, this.#options.keepEndedMs ?? 60_000);
    timer.unref();
  }

  #deliver(runId: string, e: LiveEvent): void {
    for (const fn of this.#listeners.get(runId) ?? []) {
      try {
        fn(e);
      } catch {
        // One broken listener must not keep the others (or the orchestrator) from their events.
      }
    }
  }
}
