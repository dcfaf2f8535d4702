/**
 * The kubernetes launcher: for each run, in its region, a Secret with the run's agent token and a
 * Job of `taskCount` pods running `dlt agent` (see kubernetes-job.ts), through the official
 * client (`@kubernetes/client-node`, from a kubeconfig or in-cluster). While the run provisions
 * and runs it looks at the pods now and then, so a pod that cannot start (an image that cannot be
 * pulled, a missing Secret) fails the run with Kubernetes' own reason. When the run ends both
 * objects are deleted by name (the pods with them, in the background), which needs no memory of
 * the launch, so a restarted server still cleans up after runs of its previous life.
 */
import { BatchV1Api, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { AgentExit, Launcher } from '../orchestrator/launcher.ts';
import type { RunRecord, TaskRecord } from '../store/store.ts';
import { type AgentAccess, RunTokens } from './agent-access.ts';
import { type AgentJobOptions, agentJob, agentJobName, agentSecret, runLabel } from './kubernetes-job.ts';

export interface KubernetesLauncherOptions
  extends Omit<AgentJobOptions, 'runId' | 'taskCount' | 'serverUrl' | 'namespace'> {
  readonly kubeConfig: KubeConfig;
  readonly namespace?: string;
  readonly access: AgentAccess;
  /** Most tasks (pods) of one run (default 100). */
  readonly maxTasks?: number;
  /** How often the pods of a run are looked at, ms (default 5000). */
  readonly pollMs?: number;
}

/** A Job's default life: the longest run (4 h) and an hour more, should the server never delete it. */
const defaultDeadlineS = 5 * 3600;

/** Container states that will not get better by waiting. */
const hopeless = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'CrashLoopBackOff',
]);

export class KubernetesLauncher implements Launcher {
  readonly kind = 'kubernetes';
  readonly binding = 'run';
  readonly regions: readonly string[];
  readonly maxTasks: number;
  readonly #o: KubernetesLauncherOptions;
  readonly #ns: string;
  readonly #batch: BatchV1Api;
  readonly #core: CoreV1Api;
  readonly #tokens: RunTokens;
  readonly #watches = new Map<string, NodeJS.Timeout>();
  readonly #exitListeners: ((e: AgentExit) => void)[] = [];

  constructor(o: KubernetesLauncherOptions) {
    this.#o = o;
    this.regions = [o.region];
    this.maxTasks = o.maxTasks ?? 100;
    this.#ns = o.namespace ?? 'default';
    this.#batch = o.kubeConfig.makeApiClient(BatchV1Api);
    this.#core = o.kubeConfig.makeApiClient(CoreV1Api);
    this.#tokens = new RunTokens(o.access);
  }

  onExit(fn: (exit: AgentExit) => void): void {
    this.#exitListeners.push(fn);
  }

  async launch(run: RunRecord, region: string, tasks: readonly TaskRecord[]): Promise<void> {
    const spec: AgentJobOptions = {
      ...this.#o,
      namespace: this.#ns,
      runId: run.runId,
      region,
      taskCount: tasks.length,
      serverUrl: this.#tokens.serverUrl,
      activeDeadlineSeconds: this.#o.activeDeadlineSeconds ?? defaultDeadlineS,
    };
    const name = agentJobName(run.runId, region);
    const token = await this.#tokens.get(run.runId);
    await call(`create Secret ${name}`, () =>
      this.#core.createNamespacedSecret({ namespace: this.#ns, body: agentSecret(spec, token) }),
    );
    try {
      await call(`create Job ${name}`, () =>
        this.#batch.createNamespacedJob({ namespace: this.#ns, body: agentJob(spec) }),
      );
    } catch (e) {
      await this.stop(run.runId);
      throw e;
    }
    this.#watch(run.runId, name);
  }

  /** Looks at the run's pods every `pollMs` until the run is stopped. */
  #watch(runId: string, job: string): void {
    const tick = async () => {
      const pods = await this.#core
        .listNamespacedPod({ namespace: this.#ns, labelSelector: `${runLabel}=${runId}` })
        .catch(() => undefined);
      if (!this.#watches.has(runId)) return;
      const trouble = pods?.items.map(podTrouble).find((t) => t !== undefined);
      if (trouble) {
        this.#watches.delete(runId);
        const name = `the agents of region ${this.regions[0]} (Kubernetes Job ${this.#ns}/${job})`;
        for (const fn of this.#exitListeners)
          fn({ runId, name, code: null, signal: null, stderrTail: '', reason: `failed: ${trouble}` });
        return;
      }
      this.#watches.set(runId, setTimeout(tick, this.#o.pollMs ?? 5_000));
    };
    this.#watches.set(runId, setTimeout(tick, this.#o.pollMs ?? 5_000));
  }

  async stop(runId: string): Promise<void> {
    clearTimeout(this.#watches.get(runId));
    this.#watches.delete(runId);
    const name = agentJobName(runId, this.regions[0]);
    const done = await Promise.allSettled([
      call(`delete Job ${name}`, () =>
        this.#batch.deleteNamespacedJob({ name, namespace: this.#ns, propagationPolicy: 'Background' }),
      ).catch(ignoreMissing),
      call(`delete Secret ${name}`, () => this.#core.deleteNamespacedSecret({ name, namespace: this.#ns })).catch(
        ignoreMissing,
      ),
    ]);
    await this.#tokens.revoke(runId);
    const failed = done.find((d) => d.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Stops watching; Jobs stay (their agents finish and upload) and are deleted when their runs end. */
  async close(): Promise<void> {
    for (const t of this.#watches.values()) clearTimeout(t);
    this.#watches.clear();
  }
}

/** Why a pod will not run its agent, if it will not. */
function podTrouble(pod: V1Pod): string | undefined {
  const name = pod.metadata?.name ?? '?';
  for (const c of pod.status?.containerStatuses ?? []) {
    const w = c.state?.waiting;
    if (w?.reason && hopeless.has(w.reason)) return `pod ${name}: ${w.reason}${w.message ? `: ${w.message}` : ''}`;
    const t = c.state?.terminated;
    if (t && t.exitCode !== 0) {
      return `pod ${name}: its agent exited with code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}${t.message ? `: ${t.message}` : ''}`;
    }
  }
  if (pod.status?.phase === 'Failed') return `pod ${name} failed${pod.status.message ? `: ${pod.status.message}` : ''}`;
  return undefined;
}

/** An error of the Kubernetes API with its status and message (the client's own is a JSON dump). */
export class KubernetesApiError extends Error {
  readonly status: number;
  constructor(what: string, status: number, message: string) {
    super(`the Kubernetes API refused to ${what}: ${status} ${message}`);
    this.status = status;
  }
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as { code?: unknown; body?: unknown; message?: string };
    if (typeof err.code !== 'number') throw new Error(`could not reach the Kubernetes API to ${what}: ${err.message}`);
    throw new KubernetesApiError(what, err.code, statusMessage(err.body) ?? 'no message');
  }
}

/** The `message` of a Kubernetes `Status` body. */
function statusMessage(body: unknown): string | undefined {
  try {
    const s = typeof body === 'string' ? JSON.parse(body) : body;
    return typeof s?.message === 'string' ? s.message.slice(0, 500) : undefined;
  } catch {
    return typeof body === 'string' ? body.slice(0, 200) : undefined;
  }
}

const ignoreMissing = (e: unknown) => {
  if (e instanceof KubernetesApiError && e.status === 404) return;
  throw e;
};
