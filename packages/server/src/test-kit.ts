/**
 * Test helpers (used by the server's tests only): a server on a fresh temporary data folder with
 * one token per role, a JSON caller over `inject` or the real socket, and an idle launcher that
 * serves region `local` without starting anything (runs then wait in provisioning).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Launcher } from './orchestrator/launcher.ts';
import { type RunningServer, type ServerOptions, startServer } from './server.ts';
import type { Role } from './store/store.ts';

export const adminPassword = 'test-admin-password';

export class IdleLauncher implements Launcher {
  readonly regions = ['local'];
  readonly maxTasks = 10;
  readonly launched: string[] = [];
  async launch(run: { runId: string }): Promise<void> {
    this.launched.push(run.runId);
  }
  async stop(): Promise<void> {}
  onExit(): void {}
  async close(): Promise<void> {}
}

/** A parsed JSON answer; tests read it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions that read them
export type Answer = { status: number; body: any };

export interface TestServer {
  readonly server: RunningServer;
  readonly tokens: Readonly<Record<Role, string>>;
  /** A JSON call through `inject`; `token` is a role name or a raw token. */
  call(method: string, path: string, o?: { token?: Role | string; body?: unknown }): Promise<Answer>;
  /** The same over the real socket. */
  fetch(method: string, path: string, o?: { token?: Role | string; body?: unknown }): Promise<Answer>;
  close(): Promise<void>;
}

export async function testServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dlt-server-'));
  const server = await startServer({ dataDir, port: 0, adminPassword, launchers: [new IdleLauncher()], ...options });
  const { auth } = server.context;
  const tokens = {} as Record<Role, string>;
  for (const role of ['admin', 'editor', 'viewer', 'agent'] as const) {
    tokens[role] = (await auth.issue({ name: role, role, kind: 'api', owner: 'admin' })).token;
  }
  const headers = (token?: string, body?: unknown) => ({
    ...(token ? { authorization: `Bearer ${(tokens as Record<string, string>)[token] ?? token}` } : {}),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  });
  const parse = (text: string) => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  return {
    server,
    tokens,
    async call(method, path, o = {}) {
      const res = await server.app.inject({
        method: method as 'GET',
        url: path,
        headers: headers(o.token, o.body),
        ...(o.body === undefined ? {} : { payload: JSON.stringify(o.body) }),
      });
      return { status: res.statusCode, body: parse(res.body) };
    },
    async fetch(method, path, o = {}) {
      const res = await fetch(server.url + path, {
        method,
        headers: headers(o.token, o.body),
        ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
      });
      return { status: res.status, body: parse(await res.text()) };
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The seed's create body for a simple test against `url`. */
export function seedBody(url: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    testName: 'checkout api',
    testDescription: 'the checkout endpoints under load',
    testType: 'simple',
    fileType: 'none',
    testTaskConfigs: [{ region: 'local', taskCount: 1, concurrency: 2 }],
    testScenario: {
      execution: [{ concurrency: 2, 'ramp-up': '0s', 'hold-for': '1s', scenario: 'checkout api' }],
      scenarios: { 'checkout api': { requests: [{ url, method: 'GET', headers: {}, body: '' }] } },
    },
    regionalTaskDetails: { local: { dltAvailableTasks: 10 } },
    showLive: false,
    tags: ['Checkout API'],
    ...over,
  };
}
