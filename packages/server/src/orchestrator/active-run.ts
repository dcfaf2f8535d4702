/**
 * The orchestrator's in-memory view of one run that has not finished: its record, its tasks
 * (as last persisted, plus the agent each is bound to) and its timers. The store stays the
 * truth; this is what lets the orchestrator answer agent messages without a query each time.
 */
import type { RunRecord, TaskRecord } from '../store/store.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface TaskState extends Mutable<TaskRecord> {
  /** The name of the agent it was assigned to (a local agent is named after its task). */
  agentName?: string;
}

export class ActiveRun {
  run: RunRecord;
  readonly tasks = new Map<string, TaskState>();
  /** Set once the run is being brought to its end; no second ending starts. */
  ending = false;
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(run: RunRecord, tasks: readonly TaskRecord[]) {
    this.run = run;
    for (const t of tasks) this.tasks.set(t.taskId, { ...t });
  }

  get runId(): string {
    return this.run.runId;
  }

  all(): TaskState[] {
    return [...this.tasks.values()];
  }

  /** Tasks bound to an agent whose result has not arrived. */
  outstanding(): TaskState[] {
    return this.all().filter((t) => t.agentId !== undefined && !t.resultStored && t.status !== 'failed');
  }

  /** Starts (or restarts) the named timer. */
  timer(name: string, ms: number, fn: () => void): void {
    clearTimeout(this.#timers.get(name));
    const t = setTimeout(() => {
      this.#timers.delete(name);
      fn();
    }, ms);
    t.unref();
    this.#timers.set(name, t);
  }

  clearTimer(name: string): void {
    clearTimeout(this.#timers.get(name));
    this.#timers.delete(name);
  }

  clearTimers(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}

/** `task X (region R)`: how a reason names a task. */
export const nameTask = (t: TaskRecord) => `task ${t.taskId} (region ${t.region})`;
