/**
 * The ecs launcher: for each run, in its region, `RunTask` in batches of 10 (the API's most per
 * call) of a task definition whose container runs `dlt agent`; the command and the server's
 * address, the region and the run's agent token go in as container overrides. Every task is
 * started by the run (`startedBy`), so stopping them (`StopTask` for each) needs only the run id
 * and works after a server restart too. While the run is on it describes its tasks now and then,
 * so a task that stops early (an image that cannot be pulled, no capacity) fails the run with
 * ECS's own reason.
 */
import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { type AgentExit, type Launcher, runAgentName } from '../orchestrator/launcher.ts';
import type { RunRecord, TaskRecord } from '../store/store.ts';
import { type AgentAccess, RunTokens } from './agent-access.ts';

export interface EcsLauncherOptions {
  readonly region: string;
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly containerName?: string;
  readonly subnets: readonly string[];
  readonly securityGroups?: readonly string[];
  readonly assignPublicIp?: boolean;
  readonly launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  readonly platformVersion?: string;
  readonly awsRegion?: string;
  readonly endpoint?: string;
  readonly maxTasks?: number;
  /** How often a run's tasks are described, ms (default 10000). */
  readonly pollMs?: number;
  readonly access: AgentAccess;
}

/** The most tasks one RunTask call starts. */
export const runTaskBatch = 10;

export class EcsLauncher implements Launcher {
  readonly kind = 'ecs';
  readonly binding = 'run';
  readonly regions: readonly string[];
  readonly maxTasks: number;
  readonly #o: EcsLauncherOptions;
  readonly #client: ECSClient;
  readonly #tokens: RunTokens;
  readonly #arns = new Map<string, string[]>();
  readonly #watches = new Map<string, NodeJS.Timeout>();
  readonly #exitListeners: ((e: AgentExit) => void)[] = [];

  constructor(o: EcsLauncherOptions) {
    this.#o = o;
    this.regions = [o.region];
    this.maxTasks = o.maxTasks ?? 100;
    this.#client = new ECSClient({
      ...(o.awsRegion ? { region: o.awsRegion } : {}),
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    });
    this.#tokens = new RunTokens(o.access);
  }

  onExit(fn: (exit: AgentExit) => void): void {
    this.#exitListeners.push(fn);
  }

  async launch(run: RunRecord, region: string, tasks: readonly TaskRecord[]): Promise<void> {
    const token = await this.#tokens.get(run.runId);
    const arns: string[] = [];
    this.#arns.set(run.runId, arns);
    for (let left = tasks.length; left > 0; left -= runTaskBatch) {
      const count = Math.min(runTaskBatch, left);
      const out = await call(`run ${count} task(s) of ${this.#o.taskDefinition}`, () =>
        this.#client.send(new RunTaskCommand(this.#runTask(run.runId, region, count, token))),
      );
      arns.push(...(out.tasks ?? []).flatMap((t) => (t.taskArn ? [t.taskArn] : [])));
      const failures = out.failures ?? [];
      if (failures.length > 0 || (out.tasks ?? []).length < count) {
        // ECS lists one failure per task it could not place: each reason once, with its count.
        const reasons = Map.groupBy(failures, (f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`);
        const why = [...reasons].map(([r, fs]) => (fs.length > 1 ? `${r} (${fs.length} tasks)` : r)).join('; ');
        throw new Error(`ECS started ${out.tasks?.length ?? 0} of ${count} task(s): ${why || 'no reason given'}`);
      }
    }
    this.#watch(run.runId);
  }

  #runTask(runId: string, region: string, count: number, token: string) {
    const o = this.#o;
    return {
      cluster: o.cluster,
      taskDefinition: o.taskDefinition,
      count,
      launchType: o.launchType ?? 'FARGATE',
      ...(o.platformVersion ? { platformVersion: o.platformVersion } : {}),
      startedBy: runId,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [...o.subnets],
          ...(o.securityGroups ? { securityGroups: [...o.securityGroups] } : {}),
          assignPublicIp: o.assignPublicIp ? ('ENABLED' as const) : ('DISABLED' as const),
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: o.containerName ?? 'agent',
            command: ['agent', '--name', runAgentName(runId, region), '--slots', '1'],
            environment: [
              { name: 'DLT_SERVER', value: this.#tokens.serverUrl },
              { name: 'DLT_REGION', value: region },
              { name: 'DLT_TOKEN', value: token },
            ],
          },
        ],
      },
    };
  }

  /** Describes the run's tasks every `pollMs` until the run is stopped. */
  #watch(runId: string): void {
    const every = this.#o.pollMs ?? 10_000;
    const tick = async () => {
      const trouble = await this.#trouble(this.#arns.get(runId) ?? []);
      if (!this.#watches.has(runId)) return;
      if (trouble) {
        this.#watches.delete(runId);
        const name = `the agents of region ${this.regions[0]} (ECS cluster ${this.#o.cluster})`;
        for (const fn of this.#exitListeners)
          fn({ runId, name, code: null, signal: null, stderrTail: '', reason: `failed: ${trouble}` });
        return;
      }
      this.#watches.set(runId, setTimeout(tick, every));
    };
    this.#watches.set(runId, setTimeout(tick, every));
  }

  /** The first stopped task's story, describing them 100 at a time (the API's most); a failed call says nothing. */
  async #trouble(arns: readonly string[]): Promise<string | undefined> {
    for (let i = 0; i < arns.length; i += 100) {
      const out = await this.#client
        .send(new DescribeTasksCommand({ cluster: this.#o.cluster, tasks: arns.slice(i, i + 100) }))
        .catch(() => undefined);
      const trouble = out?.tasks?.map(taskTrouble).find((t) => t !== undefined);
      if (trouble) return trouble;
    }
    return undefined;
  }

  async stop(runId: string): Promise<void> {
    clearTimeout(this.#watches.get(runId));
    this.#watches.delete(runId);
    const arns = new Set(this.#arns.get(runId) ?? []);
    this.#arns.delete(runId);
    let problem: unknown;
    try {
      for (const arn of await this.#listed(runId)) arns.add(arn);
    } catch (e) {
      problem = e;
    }
    const stops = await Promise.allSettled(
      [...arns].map((task) =>
        call(`stop task ${task}`, () =>
          this.#client.send(new StopTaskCommand({ cluster: this.#o.cluster, task, reason: 'dlt: the run is over' })),
        ),
      ),
    );
    await this.#tokens.revoke(runId);
    const failed = stops.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    if (problem) throw problem;
  }

  /** Tasks the run started that ECS still runs (all pages). */
  async #listed(runId: string): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 100; page++) {
      const out = await call('list tasks', () =>
        this.#client.send(new ListTasksCommand({ cluster: this.#o.cluster, startedBy: runId, nextToken })),
      );
      arns.push(...(out.taskArns ?? []));
      nextToken = out.nextToken;
      if (!nextToken) break;
    }
    return arns;
  }

  async close(): Promise<void> {
    for (const t of this.#watches.values()) clearTimeout(t);
    this.#watches.clear();
    this.#client.destroy();
  }
}

/** Why a task stopped before its run ended, if it did. */
function taskTrouble(t: Task): string | undefined {
  if (t.lastStatus !== 'STOPPED') return undefined;
  const exit = t.containers?.find((c) => c.exitCode !== undefined && c.exitCode !== 0);
  if (t.stopCode !== 'TaskFailedToStart' && !exit) return undefined;
  const reason = t.stoppedReason ?? exit?.reason ?? 'no reason given';
  return `ECS task ${t.taskArn ?? '?'} stopped${exit ? ` (exit code ${exit.exitCode})` : ''}: ${reason}`;
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = err.$metadata?.httpStatusCode;
    throw new Error(`the ECS API refused to ${what}: ${status ?? 'no answer'} ${err.name ?? 'Error'}: ${err.message}`);
  }
}
