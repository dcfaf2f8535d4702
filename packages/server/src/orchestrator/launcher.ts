/**
 * A launcher starts agents for a run's tasks in the regions it serves (local child processes,
 * later Kubernetes Jobs or ECS tasks) and stops them when the run ends. Agents it starts dial
 * in like any other; regions without a launcher are served by agents that dial in on their own.
 */
import type { RunRecord, TaskRecord } from '../store/store.ts';

/** An agent a launcher started ended on its own (crashed, refused, killed). */
export interface AgentExit {
  readonly runId: string;
  /** The name the agent says in its hello (the launcher gives it the task's id). */
  readonly name: string;
  readonly code: number | null;
  readonly signal: string | null;
  /** The last lines it wrote to stderr, for the run's error reason. */
  readonly stderrTail: string;
}

export interface Launcher {
  /** Regions this launcher starts agents for. */
  readonly regions: readonly string[];
  /** How many tasks of one run it will start in a region at most. */
  readonly maxTasks: number;
  /** Starts one agent per task (named after the task). */
  launch(run: RunRecord, region: string, tasks: readonly TaskRecord[]): Promise<void>;
  /** Stops every agent it started for the run. */
  stop(runId: string): Promise<void>;
  /** Called when an agent it started exits while its run is not stopped by `stop`. */
  onExit(fn: (exit: AgentExit) => void): void;
  /** Stops everything. */
  close(): Promise<void>;
}
