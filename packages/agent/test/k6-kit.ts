/**
 * Helpers for the k6 script tests: a loopback target that records every request (and how many
 * were in flight at once), and a runner that compiles a fixture script with `__ENV.BASE`
 * pointing at the target and runs it on the real engine.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompiledTest, TaskResult } from '@dlt/model';
import type { LoadOptions } from '@dlt/scripts';
import { runShare } from '../src/run-share.ts';
import { compileSource } from '../src/test-source.ts';

/** Where the k6 fixtures live. */
export const k6Fixtures = join(fileURLToPath(new URL('.', import.meta.url)), '../../scripts/test/fixtures/k6');

/** One request the target received. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Route = (req: Received, res: ServerResponse) => void;

/** A recording target; `routes` by path, anything else answers 200 "ok". */
export class K6Target implements AsyncDisposable {
  readonly received: Received[] = [];
  readonly #server: Server;
  readonly #routes: Record<string, Route>;
  #inFlight = 0;
  maxInFlight = 0;

  private constructor(server: Server, routes: Record<string, Route>) {
    this.#server = server;
    this.#routes = routes;
  }

  static async start(routes: Record<string, Route> = {}): Promise<K6Target> {
    let target: K6Target | undefined;
    const server = createServer((req, res) => target?.handle(req, res));
    target = new K6Target(server, routes);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return target;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Requests to `path`, in the order received. */
  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    res.on('finish', () => this.#inFlight--);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.received.push(r);
      const route = this.#routes[url.pathname];
      if (route) route(r, res);
      else res.end('ok');
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Compiles fixture `name` with `BASE` (and `env`) in `__ENV`. */
export function compileFixture(name: string, base: string, load: LoadOptions = {}): Promise<CompiledTest> {
  const env = { BASE: base, ...load.env };
  return compileSource({ kind: 'file', path: join(k6Fixtures, name), load: { ...load, env } });
}

/** Compiles and runs fixture `name` against `target` on the real engine. */
export async function runFixture(name: string, target: K6Target, load: LoadOptions = {}): Promise<TaskResult> {
  const test = await compileFixture(name, target.base, load);
  return (await runShare(test, { index: 0, count: 1 })).result;
}

/** The problems a bad fixture is refused with, one line each. */
export async function problemsOf(name: string): Promise<string[]> {
  try {
    await compileFixture(name, 'http://127.0.0.1:1');
  } catch (e) {
    return (e as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error(`${name} compiled without a problem`);
}
