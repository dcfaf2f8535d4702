/**
 * Builds the launchers a configuration names, one per region. The Kubernetes and AWS clients are
 * loaded only when a region uses them, so a server without them starts as fast as before.
 */
import { badInput } from '@dlt/model';
import type { Launcher } from '../orchestrator/launcher.ts';
import type { AgentAccess } from './agent-access.ts';
import type { EcsRegionConfig, KubernetesRegionConfig, LaunchersConfig } from './launchers-config.ts';
import { PoolLauncher } from './pool-launcher.ts';

export interface LauncherDeps {
  /** How launched agents reach the server and get a token. */
  readonly access: AgentAccess;
  /** Connected agents of a region now (for pools). */
  readonly agentCount: (region: string) => number;
  /** A local launcher for a region; undefined when this server cannot start local agents. */
  readonly local?: (region: string, maxTasks?: number) => Launcher;
}

export async function openLaunchers(config: LaunchersConfig, deps: LauncherDeps): Promise<Launcher[]> {
  const launchers: Launcher[] = [];
  for (const [region, c] of Object.entries(config.regions)) {
    switch (c.type) {
      case 'local':
        if (!deps.local) throw new Error(`region ${region}: this server cannot start local agents`);
        launchers.push(deps.local(region, c.maxTasks));
        break;
      case 'pool':
        launchers.push(new PoolLauncher({ regions: [region], agentCount: deps.agentCount, maxTasks: c.maxTasks }));
        break;
      case 'kubernetes':
        launchers.push(await kubernetesLauncher(region, c, deps.access));
        break;
      case 'ecs':
        launchers.push(await ecsLauncher(region, c, deps.access));
        break;
      default: {
        const never: never = c;
        throw new Error(`unknown launcher ${JSON.stringify(never)}`);
      }
    }
  }
  return launchers;
}

async function kubernetesLauncher(region: string, c: KubernetesRegionConfig, access: AgentAccess): Promise<Launcher> {
  const [{ KubeConfig }, { KubernetesLauncher }] = await Promise.all([
    import('@kubernetes/client-node'),
    import('./kubernetes-launcher.ts'),
  ]);
  const kubeConfig = new KubeConfig();
  // A kubeconfig that cannot serve is the configuration's fault: say which field, not a stack.
  const refuse = (field: string, message: string) =>
    badInput([{ field: `regions.${region}.${field}`, message }], `region ${region}: the kubeconfig cannot be used`);
  try {
    if (c.kubeconfig) kubeConfig.loadFromFile(c.kubeconfig);
    else kubeConfig.loadFromDefault();
  } catch (e) {
    throw refuse('kubeconfig', `cannot load ${c.kubeconfig ?? 'the default kubeconfig'}: ${(e as Error).message}`);
  }
  const contexts = kubeConfig.getContexts().map((x) => x.name);
  if (c.context) {
    if (!contexts.includes(c.context))
      throw refuse('context', `no context ${c.context} in the kubeconfig (it has: ${contexts.join(', ') || 'none'})`);
    kubeConfig.setCurrentContext(c.context);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw refuse(
      c.context ? 'context' : 'kubeconfig',
      `${c.kubeconfig ?? 'the kubeconfig'} has no cluster for context "${kubeConfig.getCurrentContext() || '(none)'}"`,
    );
  }
  const { type: _, kubeconfig: __, context: ___, ...rest } = c;
  const namespace = c.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  return new KubernetesLauncher({ ...rest, region, namespace, kubeConfig, access });
}

async function ecsLauncher(region: string, c: EcsRegionConfig, access: AgentAccess): Promise<Launcher> {
  const [{ ECSClient }, { EcsLauncher }] = await Promise.all([
    import('@aws-sdk/client-ecs'),
    import('./ecs-launcher.ts'),
  ]);
  if (!c.awsRegion) {
    // Without a region every call of the run would fail ("Region is missing"): say so at the start.
    const probe = new ECSClient({});
    try {
      await probe.config.region();
    } catch {
      throw badInput(
        [
          {
            field: `regions.${region}.awsRegion`,
            message: 'no AWS region is known: set awsRegion (or AWS_REGION, or a region in the AWS profile)',
          },
        ],
        `region ${region}: the ECS launcher cannot be used`,
      );
    } finally {
      probe.destroy();
    }
  }
  return new EcsLauncher({ ...c, region, access });
}
