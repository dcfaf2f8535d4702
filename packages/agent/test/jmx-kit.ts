/**
 * Helpers for the JMeter plan tests: a loopback target that records every request it gets and
 * answers by route, and a runner that compiles a fixture plan (its `${host}`/`${port}` from
 * properties) and runs it on the real engine into a result.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskResult } from '@dlt/model';
import type { LoadOptions } from '@dlt/scripts';
import { runShare } from '../src/run-share.ts';
import { compileSource } from '../src/test-source.ts';

/** Where the JMeter fixtures live. */
export const jmxFixtures = join(fileURLToPath(new URL('.', import.meta.url)), '../../scripts/test/fixtures/jmx');

/** One request the target received. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly at: number;
}

export type Route = (req: Received, res: ServerResponse) => void;

/** A recording target; `routes` by path (without query), anything else answers 200 "ok". */
export class Target {
  readonly received: Received[] = [];
  readonly #server: Server;
  readonly #routes: Record<string, Route>;

  private constructor(server: Server, routes: Record<string, Route>) {
    this.#server = server;
    this.#routes = routes;
  }

  static async start(routes: Record<string, Route> = {}): Promise<Target> {
    let target: Target | undefined;
    const server = createServer((req, res) => target?.handle(req, res));
    target = new Target(server, routes);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return target;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Requests to `path`, in the order received. */
  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r: Received = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: performance.now(),
      };
      this.received.push(r);
      const route = this.#routes[url.pathname];
      if (route !== undefined) route(r, res);
      else res.end('ok');
    });
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Compiles `file` (a fixture name or a path) with the target's host and port as properties, and runs it. */
export async function runPlan(file: string, target: Target, load: LoadOptions = {}): Promise<TaskResult> {
  const path = file.includes('/') ? file : join(jmxFixtures, file);
  const properties = { host: '127.0.0.1', port: String(target.port), ...load.properties };
  const test = await compileSource({ kind: 'file', path, load: { ...load, properties } });
  const { result } = await runShare(test, { index: 0, count: 1 });
  return result;
}

/** Requests and failures of each label, and the error kinds of failures. */
export function byLabel(
  result: TaskResult,
): Record<string, { requests: number; failures: number; errors: Record<string, number> }> {
  const out: Record<string, { requests: number; failures: number; errors: Record<string, number> }> = {};
  for (const [label, r] of Object.entries(result.labels))
    out[label] = { requests: r.requests, failures: r.failures, errors: { ...r.errors } };
  return out;
}
