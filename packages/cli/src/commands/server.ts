/**
 * `dlt start` / `dlt server`: the platform on this machine — the REST API, the SQLite store and
 * artifacts under the data folder, and local agents started as `dlt agent` child processes for
 * region `local`. Prints the URL and, on the first start, the administrator's credentials.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mcpEndpoint } from '@dlt/mcp';
import { badInput, DltError, ErrorCode, type Problem } from '@dlt/model';
import {
  artifactsConfigFromEnv,
  launchersConfigFrom,
  oidcConfigFromEnv,
  openArtifacts,
  openStore,
  startServer,
  storeConfigFromEnv,
} from '@dlt/server';
import { exitCodes } from '../exit-codes.ts';

export const serverUsage = `Usage: dlt start [options]   (or: dlt server [options])

Starts the dlt server: the REST API under /api (the seed's routes), the store and artifacts
under the data folder, and local agents (one process per task) for region "local". Agents
elsewhere join with: dlt agent --server URL --token T --region NAME.

Options (each also from the environment):
  -p, --port N       port to listen on (default 8080)              (DLT_PORT)
      --host HOST    address to listen on (default 127.0.0.1)      (DLT_HOST)
      --data DIR     data folder (default ./.dlt/data)             (DLT_DATA)
      --launchers FILE  which launcher serves each region: local, pool,
                     kubernetes, ecs (YAML/JSON; see docs/agents.md)  (DLT_LAUNCHERS)
  Store: PostgreSQL when DLT_DATABASE_URL is set (else SQLite under the data folder).
  Artifacts: an S3-compatible bucket when DLT_S3_BUCKET is set (with DLT_S3_ENDPOINT,
  DLT_S3_REGION, DLT_S3_PREFIX, DLT_S3_FORCE_PATH_STYLE and the AWS_* credentials).
  Single sign-on: tokens of an OIDC issuer too when DLT_OIDC_ISSUER is set (with
  DLT_OIDC_CLIENT_ID, DLT_OIDC_ROLE_MAP, DLT_OIDC_AUDIENCE, DLT_OIDC_GROUPS_CLAIM, DLT_OIDC_NAME).
  -h, --help         this help

The first start creates the user "admin" with the password in DLT_ADMIN_PASSWORD, or a
generated one printed once. Log in with POST /api/auth/login. See docs/server.md.
`;

export interface ServerArgs {
  readonly port: number;
  readonly host: string;
  readonly data: string;
  /** `--launchers FILE` (else DLT_LAUNCHERS, read when the server starts). */
  readonly launchers?: string;
}

/** Parses the arguments after `start`/`server` (flags over the environment); undefined means --help. */
export function parseServerArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ServerArgs | undefined {
  let v: { port?: string; host?: string; data?: string; launchers?: string; help?: boolean };
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        data: { type: 'string' },
        launchers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    throw badInput([{ message: (e as Error).message, hint: 'see dlt start --help' }], 'bad arguments');
  }
  if (v.help) return undefined;
  const problems: Problem[] = [];
  const portText = v.port ?? env.DLT_PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    problems.push({ field: '--port', message: `"${portText}" is not a port (0–65535)` });
  }
  const host = v.host ?? env.DLT_HOST ?? '127.0.0.1';
  if (host === '') problems.push({ field: '--host', message: 'must not be empty' });
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  return {
    port,
    host,
    data: resolve(v.data ?? env.DLT_DATA ?? '.dlt/data'),
    ...(v.launchers ? { launchers: v.launchers } : {}),
  };
}

/** The command that starts `dlt agent` from this same installation. */
function agentCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL('../bin.ts', import.meta.url)), 'agent'];
}

export async function serverCommand(argv: readonly string[]): Promise<number> {
  const args = parseServerArgs(argv, process.env);
  if (!args) {
    process.stdout.write(serverUsage);
    return exitCodes.ok;
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  // PostgreSQL when DLT_DATABASE_URL is set, an S3 bucket when DLT_S3_BUCKET is; else files under --data.
  // Read before anything opens, so a bad OIDC setting stops the start with every problem named.
  const oidc = oidcConfigFromEnv(process.env);
  // Launchers per region from --launchers FILE or DLT_LAUNCHERS; without them, local agents serve region local.
  const launcherConfig = launchersConfigFrom(args.launchers, process.env);
  const store = await openStore(storeConfigFromEnv(process.env, args.data));
  const artifacts = await openArtifacts(artifactsConfigFromEnv(process.env, args.data));
  const server = await startServer({
    store,
    artifacts,
    dataDir: args.data,
    port: args.port,
    host: args.host,
    adminPassword: process.env.DLT_ADMIN_PASSWORD || undefined,
    ...(oidc ? { oidc } : {}),
    agentCommand: agentCommand(),
    ...(launcherConfig ? { launcherConfig } : {}),
    consoleDir: fileURLToPath(new URL('../../../console/dist', import.meta.url)),
    // The read-only MCP tools over streamable HTTP at /mcp (the server itself does not import them).
    plugins: [mcpEndpoint()],
    log,
  }).catch((e: unknown) => {
    throw listenError(e, args.host, args.port) ?? e;
  });
  process.stdout.write(`dlt server listening on ${server.url}  (data in ${args.data})\n`);
  process.stdout.write(`web console: ${server.url}/\n`);
  if (oidc) process.stdout.write(`single sign-on: tokens of ${oidc.issuer} (client ${oidc.clientId}) accepted\n`);
  const admin = server.firstAdmin;
  if (admin?.generated) {
    process.stdout.write(
      `created the administrator: user ${admin.username}, password ${admin.password}\n(shown once; keep it safe)\n`,
    );
  } else if (admin) {
    process.stdout.write(`created the administrator: user ${admin.username}, password from DLT_ADMIN_PASSWORD\n`);
  }
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      process.stderr.write(`\n${signal}: stopping the server\n`);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return exitCodes.ok;
}

/** Why the server could not take its address, as a plain error (exit 1) rather than a stack. */
export function listenError(e: unknown, host: string, port: number): DltError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const reasons: Readonly<Record<string, string>> = {
    EADDRINUSE: 'the port is in use (another dlt server?); choose another with --port or DLT_PORT',
    EACCES: 'this user may not take that port; choose one above 1023 with --port or DLT_PORT',
    EADDRNOTAVAIL: `${host} is not an address of this machine; choose another with --host or DLT_HOST`,
  };
  const reason = code === undefined ? undefined : reasons[code];
  return reason === undefined ? undefined : new DltError(ErrorCode.Internal, `cannot listen on ${where}: ${reason}`);
}
