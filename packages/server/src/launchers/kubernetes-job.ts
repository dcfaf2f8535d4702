/**
 * The Kubernetes objects the kubernetes launcher creates for one run in one region: a Secret
 * holding the run's agent token, and a batch/v1 Job whose `taskCount` pods each run
 * `dlt agent` (the image's entrypoint) against the server, named `<runId>.<pod name>` so the
 * server gives them this run's tasks only. Pure data, so a test can check the shape.
 */
import { createHash } from 'node:crypto';
import { runAgentName } from '../orchestrator/launcher.ts';

export interface AgentJobOptions {
  readonly runId: string;
  readonly region: string;
  readonly taskCount: number;
  readonly namespace: string;
  readonly image: string;
  readonly serverUrl: string;
  /** Extra labels on the Job and its pods. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
  };
  readonly serviceAccountName?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly imagePullSecrets?: readonly string[];
  /** The container's command, when the image's entrypoint is not `dlt` (e.g. `[dlt]`). */
  readonly command?: readonly string[];
  /** The longest a run may take, s: the Job's active deadline (a leaked Job ends by itself). */
  readonly activeDeadlineSeconds?: number;
}

/** The label every object of a run carries. */
export const runLabel = 'dlt-run-id';

/** A DNS-1123 name for the run's objects in a region: lower-case, with a hash of the (mixed-case) run id and the region. */
export function agentJobName(runId: string, region: string): string {
  // The region is hashed too: a long region name is cut at 63 characters, and two regions that
  // differ only past the cut must not get the same Job (a 409 for the second).
  const h = createHash('sha256').update(`${runId}/${region}`).digest('hex').slice(0, 6);
  return `dlt-${runId.toLowerCase()}-${h}-${region}`.slice(0, 63).replace(/-+$/, '');
}

export function agentLabels(o: Pick<AgentJobOptions, 'runId' | 'region' | 'labels'>): Record<string, string> {
  return {
    ...o.labels,
    'app.kubernetes.io/name': 'dlt-agent',
    'app.kubernetes.io/managed-by': 'dlt',
    [runLabel]: o.runId,
    'dlt-region': o.region,
  };
}

/** The Secret holding the run's agent token (key `token`). */
export function agentSecret(o: AgentJobOptions, token: string) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: agentJobName(o.runId, o.region), namespace: o.namespace, labels: agentLabels(o) },
    type: 'Opaque',
    stringData: { token },
  };
}

/** The Job: `taskCount` pods at once, none restarted (a lost agent fails its task; the server decides). */
export function agentJob(o: AgentJobOptions) {
  const name = agentJobName(o.runId, o.region);
  const labels = agentLabels(o);
  const container = {
    name: 'agent',
    image: o.image,
    ...(o.command ? { command: [...o.command] } : {}),
    // Kubernetes expands $(DLT_POD_NAME) from the env below, so each pod has its own agent name.
    args: ['agent', '--name', runAgentName(o.runId, '$(DLT_POD_NAME)'), '--slots', '1'],
    env: [
      { name: 'DLT_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'DLT_SERVER', value: o.serverUrl },
      { name: 'DLT_REGION', value: o.region },
      { name: 'DLT_TOKEN', valueFrom: { secretKeyRef: { name, key: 'token' } } },
    ],
    ...(o.resources ? { resources: { ...o.resources } } : {}),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: o.namespace, labels },
    spec: {
      parallelism: o.taskCount,
      completions: o.taskCount,
      backoffLimit: 0,
      ...(o.activeDeadlineSeconds ? { activeDeadlineSeconds: o.activeDeadlineSeconds } : {}),
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          containers: [container],
          ...(o.serviceAccountName ? { serviceAccountName: o.serviceAccountName } : {}),
          ...(o.nodeSelector ? { nodeSelector: { ...o.nodeSelector } } : {}),
          ...(o.imagePullSecrets?.length ? { imagePullSecrets: o.imagePullSecrets.map((n) => ({ name: n })) } : {}),
        },
      },
    },
  };
}
