/**
 * Starts the whole server on the embedded defaults: the SQLite store and file artifacts under
 * the data folder, the first administrator, the agent hub, the orchestrator with the local
 * launcher (when given the command that starts `dlt agent`), the REST API, and recovery of runs
 * a previous process left unfinished.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './api/app.ts';
import { type ApiContext, type ApiLimits, defaultLimits } from './api/context.ts';
import type { Artifacts } from './artifacts/artifacts.ts';
import { FileArtifacts } from './artifacts/file-artifacts.ts';
import { Auth, type FirstAdmin } from './auth/auth.ts';
import { OidcVerifier } from './auth/oidc.ts';
import type { OidcConfig } from './auth/oidc-config.ts';
import { AgentHub } from './hub/agent-hub.ts';
import type { HubTiming } from './hub/connected-agent.ts';
import type { AgentAccess } from './launchers/agent-access.ts';
import type { LaunchersConfig } from './launchers/launchers-config.ts';
import { openLaunchers } from './launchers/open-launchers.ts';
import { LiveFeed } from './live-feed.ts';
import type { Launcher } from './orchestrator/launcher.ts';
import { LocalLauncher } from './orchestrator/local-launcher.ts';
import { defaultTiming, Orchestrator, type OrchestratorTiming } from './orchestrator/orchestrator.ts';
import { Scheduler, type SchedulerOptions } from './scheduler/scheduler.ts';
import { SqliteStore } from './store/sqlite-store.ts';
import type { Store } from './store/store.ts';

export interface ServerOptions {
  /** Where the SQLite file and the artifacts live. */
  readonly dataDir: string;
  /** 0 picks a free port. Default 8080. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The first administrator's password (else one is generated and returned once). */
  readonly adminPassword?: string;
  /** Also accept tokens of this OIDC issuer (see `oidcConfigFromEnv`). */
  readonly oidc?: OidcConfig;
  /**
   * How to start `dlt agent` (argv, e.g. `[node, bin.ts, 'agent']`); the server adds `--server`,
   * `--token`, `--region`, `--name` and `--slots`. Without it region `local` has no launcher.
   */
  readonly agentCommand?: readonly string[];
  /** Most tasks of one run the local launcher starts. */
  readonly localMaxTasks?: number;
  /** Other implementations (PostgreSQL, S3) in place of the embedded ones. */
  readonly store?: Store;
  readonly artifacts?: Artifacts;
  readonly launchers?: readonly Launcher[];
  /** Launchers per region (local, pool, kubernetes, ecs; see docs/agents.md); `local` stays the default for region local. */
  readonly launcherConfig?: LaunchersConfig;
  readonly limits?: Partial<ApiLimits>;
  readonly timing?: Partial<OrchestratorTiming>;
  readonly hubTiming?: Partial<HubTiming>;
  /** The scheduler's clock and intervals (tests inject a clock). */
  readonly scheduler?: Partial<SchedulerOptions>;
  readonly log?: (line: string) => void;
  /** The built web console (`packages/console/dist`), served at `/`. */
  readonly consoleDir?: string;
  /** More routes, added before the server listens (the MCP endpoint is one; the server imports none). */
  readonly plugins?: readonly ServerPlugin[];
}

/** Adds routes to the app before it listens, with the server's parts at hand. */
export type ServerPlugin = (app: FastifyInstance, context: ApiContext) => void | Promise<void>;

export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** Set on the first start only: the credentials to print once. */
  readonly firstAdmin?: FirstAdmin;
  readonly app: FastifyInstance;
  readonly context: ApiContext;
  close(): Promise<void>;
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const log = o.log ?? (() => {});
  const store = o.store ?? new SqliteStore(join(o.dataDir, 'dlt.db'));
  const artifacts = o.artifacts ?? new FileArtifacts(join(o.dataDir, 'artifacts'));
  const oidc = o.oidc ? new OidcVerifier(o.oidc) : undefined;
  // Fetch the issuer's discovery document now, so a wrong set-up shows in the log at start.
  oidc?.discovery().catch((e: Error) => log(`OIDC: ${e.message} (retried on the next token)`));
  const auth = new Auth(store, oidc);
  const firstAdmin = await auth.bootstrap(o.adminPassword);
  const hub = new AgentHub(auth, o.hubTiming, log);
  const live = new LiveFeed();
  let agentArgv: readonly string[] = [];
  let ownUrl = '';
  const localFor = (region: string, maxTasks?: number) =>
    new LocalLauncher({
      command: () => agentArgv,
      region,
      maxTasks: maxTasks ?? o.localMaxTasks,
      logDir: join(o.dataDir, 'agents'),
    });
  // Agents a Kubernetes Job or ECS task runs get a token of their own per run, revoked when it ends
  // (found by name, so after a restart too), and expiring anyway some hours after the longest run.
  const runTokenName = (runId: string) => `agents of run ${runId}`;
  const access: AgentAccess = {
    serverUrl: () => o.launcherConfig?.serverUrl ?? ownUrl,
    issueToken: async (runId) => {
      const life = (o.timing?.maxRunMs ?? defaultTiming.maxRunMs) + 2 * 3600_000;
      const expiresAt = new Date(Date.now() + life).toISOString();
      const name = runTokenName(runId);
      return (await auth.issue({ name, role: 'agent', kind: 'api', owner: '@launcher', expiresAt })).token;
    },
    revokeTokens: async (runId) => {
      for (const t of await store.listTokens('@launcher')) {
        if (t.name === runTokenName(runId)) await store.deleteToken(t.tokenId);
      }
    },
  };
  const configured = o.launcherConfig
    ? await openLaunchers(o.launcherConfig, {
        access,
        agentCount: (region) => hub.agents(region).length,
        ...(o.agentCommand ? { local: localFor } : {}),
      })
    : [];
  const local = o.agentCommand && !configured.some((l) => l.regions.includes('local')) ? localFor('local') : undefined;
  const launchers = [...(local ? [local] : []), ...configured, ...(o.launchers ?? [])];
  const orchestrator = new Orchestrator({ store, artifacts, hub, live, launchers, timing: o.timing, log });
  const scheduler = new Scheduler(store, orchestrator, o.scheduler, log);
  const context: ApiContext = {
    store,
    artifacts,
    auth,
    orchestrator,
    hub,
    live,
    scheduler,
    limits: { ...defaultLimits, ...o.limits },
  };
  const app = await buildApp(context, log, o.consoleDir);
  for (const plugin of o.plugins ?? []) await plugin(app, context);
  hub.attach(app.server);
  await app.listen({ port: o.port ?? 8080, host: o.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (o.port ?? 8080);
  const host = !o.host || o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ownUrl = url;
  let agentTokenId: string | undefined;
  if (o.agentCommand) {
    const { token, record } = await auth.issue({ name: 'local agents', role: 'agent', kind: 'api', owner: '@local' });
    agentTokenId = record.tokenId;
    agentArgv = [...o.agentCommand, '--server', url, '--token', token];
  }
  await orchestrator.recover();
  // After recovery, so a firing that comes while a recovered run goes on counts as an overlap.
  await scheduler.start();
  return {
    url,
    port,
    firstAdmin,
    app,
    context,
    close: async () => {
      await scheduler.close();
      await orchestrator.close();
      await hub.close();
      await app.close();
      if (agentTokenId) await store.deleteToken(agentTokenId).catch(() => {});
      await store.close();
    },
  };
}
