/**
 * The launcher configuration: which launcher serves which region, read from a YAML or JSON file
 * (`dlt start --launchers FILE`, or `DLT_LAUNCHERS` holding a path or inline JSON):
 *
 *   serverUrl: https://dlt.example.com      # how launched agents reach this server
 *   regions:
 *     local:   { type: local }
 *     eu-west: { type: pool }
 *     k8s-eu:  { type: kubernetes, namespace: dlt, image: registry.example.com/dlt-agent:1 }
 *     us-east: { type: ecs, cluster: dlt, taskDefinition: dlt-agent, subnets: [subnet-1] }
 *
 * Every problem is reported at once, each with the file, line and field.
 */
import { readFileSync } from 'node:fs';
import { badInput, type Problem } from '@dlt/model';
import { LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';

const regionName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a region name: lower-case letters, digits and -');
const maxTasks = z.number().int().min(1).max(10_000).optional();
const stringMap = z.record(z.string().min(1).max(253), z.string().max(1000));
/** A Kubernetes quantity: `500m`, `1Gi`, or a bare number as manifests write it (`cpu: 1`, `cpu: 0.5`). */
const quantity = z.union([z.string().min(1).max(100), z.number().nonnegative().transform(String)]);
const quantities = z.record(z.string().min(1).max(253), quantity);
const k8sName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a Kubernetes name (DNS-1123 label)');

const local = z.strictObject({ type: z.literal('local'), maxTasks });
const pool = z.strictObject({ type: z.literal('pool'), maxTasks });
const kubernetes = z.strictObject({
  type: z.literal('kubernetes'),
  maxTasks,
  image: z.string().min(1).max(500),
  namespace: k8sName.optional(),
  /** A kubeconfig file; else KUBECONFIG, ~/.kube/config or the pod's service account (in-cluster). */
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  labels: stringMap.optional(),
  resources: z.strictObject({ requests: quantities.optional(), limits: quantities.optional() }).optional(),
  serviceAccountName: k8sName.optional(),
  nodeSelector: stringMap.optional(),
  imagePullSecrets: z.array(k8sName).max(20).optional(),
  command: z.array(z.string().min(1)).min(1).max(20).optional(),
  /** A Job still there this long is ended by Kubernetes (a safety net if the server never comes back). */
  activeDeadlineSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .optional(),
  pollMs: z.number().int().min(50).max(600_000).optional(),
});
const awsId = z.string().min(1).max(255);
const ecs = z.strictObject({
  type: z.literal('ecs'),
  maxTasks,
  cluster: awsId,
  taskDefinition: awsId,
  /** The container of the task definition that runs `dlt agent` (default `agent`). */
  containerName: awsId.optional(),
  subnets: z.array(awsId).min(1).max(16),
  securityGroups: z.array(awsId).max(5).optional(),
  assignPublicIp: z.boolean().optional(),
  launchType: z.enum(['FARGATE', 'EC2', 'EXTERNAL']).optional(),
  platformVersion: z.string().min(1).max(50).optional(),
  /** The AWS region of the cluster (else AWS_REGION). */
  awsRegion: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  /** Another ECS endpoint (a VPC endpoint, or a test double). */
  endpoint: z.url().optional(),
  pollMs: z.number().int().min(50).max(600_000).optional(),
});

export const regionLauncherSchema = z.discriminatedUnion('type', [local, pool, kubernetes, ecs]);
export type RegionLauncherConfig = z.infer<typeof regionLauncherSchema>;
export type KubernetesRegionConfig = z.infer<typeof kubernetes>;
export type EcsRegionConfig = z.infer<typeof ecs>;

export const launchersConfigSchema = z.strictObject({
  serverUrl: z
    .string()
    .regex(/^https?:\/\/[^/]/, 'an http(s) URL')
    .max(2000)
    .optional(),
  regions: z.record(regionName, regionLauncherSchema),
});
export type LaunchersConfig = z.infer<typeof launchersConfigSchema>;

/** Parses a configuration's text (YAML, of which JSON is a part); `source` names it in errors. */
export function parseLaunchersConfig(text: string, source: string): LaunchersConfig {
  if (text.length > 1_000_000) throw badInput([{ file: source, message: 'is larger than 1 MB' }], 'bad launchers');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ file: source, line: lc.linePos(e.pos[0]).line, message: e.message }));
    throw badInput(problems, `the launcher configuration ${source} is not valid YAML`);
  }
  const parsed = launchersConfigSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const problems: Problem[] = parsed.error.issues.map((i) => {
    // A missing field has no node: its nearest parent that exists gives the line.
    let node: Node | undefined;
    for (let n = i.path.length; n >= 0 && !node?.range; n--) {
      node = doc.getIn(i.path.slice(0, n) as (string | number)[], true) as Node | undefined;
    }
    const line = node?.range ? lc.linePos(node.range[0]).line : undefined;
    // zod says only "Invalid key in record" for a bad region name.
    const message =
      i.code === 'invalid_key'
        ? 'is not a region name: lower-case letters, digits and -'
        : i.code === 'invalid_type' && /received undefined$/.test(i.message)
          ? `is required (${i.expected})`
          : i.message;
    return { file: source, ...(line ? { line } : {}), field: fieldName(i.path), message };
  });
  throw badInput(problems, `the launcher configuration ${source} has ${problems.length} problem(s)`);
}

/** `regions.k8s-eu.image`, `regions.us-east.subnets[0]`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(top)';
}

/**
 * The configuration from `--launchers FILE` or `DLT_LAUNCHERS` (a path, or JSON when it starts
 * with `{`); undefined when neither is set.
 */
export function launchersConfigFrom(
  file: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): LaunchersConfig | undefined {
  const value = file ?? env.DLT_LAUNCHERS;
  if (!value) return undefined;
  if (value.trimStart().startsWith('{')) return parseLaunchersConfig(value, 'DLT_LAUNCHERS');
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (e) {
    throw badInput([{ file: value, message: `cannot be read: ${(e as Error).message}` }], 'bad launchers');
  }
  return parseLaunchersConfig(text, value);
}
