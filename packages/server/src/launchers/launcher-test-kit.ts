/**
 * Test helpers for the launchers (tests only): real `dlt agent` processes started as a pod or an
 * ECS task would start them (the image's entrypoint is `dlt`), a counting loopback target, and
 * calls to the API of a test server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { TestServer } from '../test-kit.ts';
import type { FakePodProcess } from './kubernetes-fake.ts';

/** The CLI's entry point (`dlt`), run by path: the server package never imports the CLI. */
export const dltBin = join(import.meta.dirname, '..', '..', '..', 'cli', 'src', 'bin.ts');

/** A process as a container runtime would run it: `dlt <args>` with exactly the container's DLT_* environment. */
export function runDlt(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): FakePodProcess & { proc: ChildProcess } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DLT_')));
  const proc = spawn(process.execPath, [dltBin, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  proc.stderr!.on('data', (d) => {
    tail = (tail + d).slice(-4000);
    if (process.env.DLT_TEST_LOG) process.stderr.write(`[agent ${proc.pid}] ${d}`);
  });
  const exited = new Promise<number>((resolve) => proc.once('close', (code) => resolve(code ?? 137)));
  return {
    proc,
    exited,
    stop: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5_000).unref();
    },
  };
}

/** Live processes whose command line holds `text` (read from /proc). */
export function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) found.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export interface Target extends AsyncDisposable {
  readonly url: string;
  hits: number;
}

/** A loopback HTTP target that counts what it is sent. */
export async function countingTarget(): Promise<Target> {
  const t = { url: '', hits: 0 } as Target & { server: Server };
  const server = createServer((_req, res) => {
    t.hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(t, {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    [Symbol.asyncDispose]: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  });
}

/** A seed-body simple test of `taskCount` tasks in `region`: one VU each, `iterations` requests or `holdFor`. */
export function seedTest(
  region: string,
  target: string,
  taskCount: number,
  load: { iterations: number } | { holdFor: string },
) {
  const item =
    'iterations' in load
      ? { concurrency: 1, iterations: load.iterations }
      : { concurrency: 1, 'hold-for': load.holdFor };
  return {
    testName: `launcher ${region}`,
    testDescription: 'launcher contract',
    testType: 'simple',
    fileType: 'none',
    testTaskConfigs: [{ region, taskCount, concurrency: 1 }],
    testScenario: {
      execution: [{ ...item, scenario: 's' }],
      scenarios: { s: { requests: [{ url: target, method: 'GET' }] } },
    },
    showLive: false,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the test reads fields of the answer it asserts
export type TestView = Record<string, any>;

/** Polls the test until `wanted(status)` (every 100 ms, up to `ms`). */
export async function untilStatus(
  t: TestServer,
  testId: string,
  wanted: (s: string) => boolean,
  ms = 60_000,
): Promise<TestView> {
  const deadline = Date.now() + ms;
  let last: TestView = {};
  while (Date.now() < deadline) {
    last = (await t.call('GET', `/api/scenarios/${testId}?history=false`, { token: 'admin' })).body;
    if (wanted(last.status)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`test ${testId} stayed ${last.status} (${last.errorReason ?? ''})`);
}

export const ended = (s: string) => ['complete', 'cancelled', 'failed'].includes(s);

/** Waits until `probe` holds (every 100 ms, up to `ms`). */
export async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
