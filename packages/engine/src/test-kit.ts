/**
 * Helpers for the engine's tests: a loopback target that counts requests, a sink that keeps
 * everything written to it, and small VU programs and specs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CompiledTest, ExecutorSpec, Sample, VuContext, VuProgram } from '@dlt/model';
import type { SampleSink } from './sample-sink.ts';

export interface Target {
  readonly url: string;
  /** Requests received so far. */
  readonly count: () => number;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 port 0; `handle` answers (default: 200 "ok" at once). */
export async function target(handle?: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<Target> {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    req.resume();
    if (handle === undefined) res.end('ok');
    else handle(req, res, n);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    count: () => n,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Keeps everything the engine writes. */
export class CollectingSink implements SampleSink {
  readonly samples: Sample[] = [];
  readonly iterations: { scenario: string; durationMs: number; interrupted: boolean }[] = [];
  readonly dropped = new Map<string, number>();
  /** Every VU count with when it was set. */
  readonly vus: { at: number; active: number }[] = [];

  record(sample: Sample): void {
    this.samples.push(sample);
  }

  recordIteration(scenario: string, durationMs: number, interrupted = false): void {
    this.iterations.push({ scenario, durationMs, interrupted });
  }

  recordDropped(scenario: string, n = 1): void {
    this.dropped.set(scenario, (this.dropped.get(scenario) ?? 0) + n);
  }

  setVus(active: number): void {
    this.vus.push({ at: performance.now(), active });
  }
}

/** A program whose iteration GETs `url` once. */
export function getOnce(url: string, label = 'get'): VuProgram {
  return { iteration: async (ctx: VuContext) => void (await ctx.send({ label, method: 'GET', url })) };
}

/** A one-executor test running `program` under `spec`. */
export function oneExecutor(spec: ExecutorSpec, program: VuProgram): CompiledTest {
  return { source: 'test', executors: [spec], programs: { [spec.program]: program }, thresholds: [], warnings: [] };
}

/** The common fields of an executor spec. */
export const specBase = { name: 'main', program: 'main', startTimeMs: 0, gracefulStopMs: 1000 } as const;

/** Nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
