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
  /**
   * Why it ended, in the launcher's words (a failed pod, a stopped ECS task), in place of code and
   * signal; with a `name` that is no task's, the run fails with `<name> <reason>`.
   */
  readonly reason?: string;
}

/**
 * Which connected agents of a launcher's region may take one of its tasks: `task` — only the agent
 * named after the task (one process per task, as the local launcher starts them); `run` — any agent
 * named `<runId>.<anything>` (a Kubernetes Job's pods, an ECS RunTask batch: the same command for
 * all); `any` — any agent of the region (a pool of agents that dialled in on their own).
 */
export type AgentBinding = 'task' | 'run' | 'any';

/** The name a `run`-bound agent gives itself: `<runId>.<suffix>`. */
export const runAgentName = (runId: string, suffix: string) => `${runId}.${suffix}`;

/** Whether an agent called `agentName` may take `task` under `binding`. */
export function agentMayTake(
  binding: AgentBinding,
  agentName: string,
  task: { readonly taskId?: string; readonly runId: string },
): boolean {
  switch (binding) {
    case 'task':
      return agentName === task.taskId;
    case 'run':
      return agentName.startsWith(`${task.runId}.`);
    case 'any':
      return true;
    default: {
      const never: never = binding;
      return never;
    }
  }
}

export interface Launcher {
  /** What it is, as `GET /api/regions` shows it (default `local`). */
  readonly kind?: 'local' | 'pool' | 'kubernetes' | 'ecs';
  /** Which agents take its tasks (default `task`). */
  readonly binding?: AgentBinding;
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
