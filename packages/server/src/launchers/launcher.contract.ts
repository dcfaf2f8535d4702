/**
 * The contract every launcher passes, through a real server, real `dlt agent` processes and a
 * loopback target: call `launcherContract(name, makeFixture)` from the launcher's test file. The
 * fixture configures region `contract` with the launcher under test; for launchers that start
 * agents on a platform that cannot run here (Kubernetes, ECS) the platform is a wire-level fake
 * that, as its pods or tasks would, starts the `dlt agent` processes the request describes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerOptions } from '../server.ts';
import { type TestServer, testServer } from '../test-kit.ts';
import { countingTarget, ended, seedTest, until, untilStatus } from './launcher-test-kit.ts';
import type { LaunchersConfig } from './launchers-config.ts';

/** How the fixture's platform behaves in a case. */
export type LauncherMode =
  /** agents come up for every task */
  | 'agents'
  /** the launcher's call fails (the platform's API refuses it) */
  | 'failing'
  /** the launcher succeeds but no agent ever dials in */
  | 'no-agents';

export const contractRegion = 'contract';

export interface LauncherFixture {
  /** The configuration: region `contract` served by the launcher under test. */
  readonly config: LaunchersConfig;
  /** Other server options the launcher needs (the agent command for `local`). */
  readonly server?: Partial<ServerOptions>;
  /** Called once the server listens (a pool's agents dial in now). */
  up?(t: TestServer): Promise<void>;
  /** Text the run's `errorReason` holds in mode `failing`: the launcher's (or its platform's) own message. */
  readonly failureMessage?: string;
  /** Asserts that nothing started for the run is left (processes, Jobs and Secrets, ECS tasks). */
  assertCleanedUp(runId: string, taskCount: number, t: TestServer): Promise<void>;
  dispose(): Promise<void>;
}

type Case = (t: TestServer, f: LauncherFixture) => Promise<void>;

const cases: Record<string, [LauncherMode, Case]> = {
  'starts agents for every task; the run completes with every request counted, then cleans up': [
    'agents',
    async (t, f) => {
      await using target = await countingTarget();
      const created = await t.call('POST', '/api/scenarios', {
        token: 'editor',
        body: seedTest(contractRegion, target.url, 3, { iterations: 4 }),
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const done = await untilStatus(t, created.body.testId, ended);
      assert.equal(done.status, 'complete', done.errorReason);
      assert.equal(target.hits, 12);
      assert.equal(done.results.total.throughput, 12);
      assert.equal(done.results[contractRegion].throughput, 12);
      await f.assertCleanedUp(done.testRunId, 3, t);
    },
  ],
  'a cancel stops the run and cleans up what was started': [
    'agents',
    async (t, f) => {
      await using target = await countingTarget();
      const created = await t.call('POST', '/api/scenarios', {
        token: 'editor',
        body: seedTest(contractRegion, target.url, 2, { holdFor: '60s' }),
      });
      const { testId } = created.body;
      const running = await untilStatus(t, testId, (s) => s === 'running' || ended(s));
      assert.equal(running.status, 'running', running.errorReason);
      await until('the first requests', () => target.hits > 0);
      assert.equal((await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' })).body, 'test cancelling');
      const done = await untilStatus(t, testId, ended, 20_000);
      assert.equal(done.status, 'cancelled', done.errorReason);
      const after = target.hits;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(target.hits, after, 'no requests after the run is cancelled');
      await f.assertCleanedUp(done.testRunId, 2, t);
    },
  ],
  'a launcher that fails fails the run with its message': [
    'failing',
    async (t, f) => {
      const created = await t.call('POST', '/api/scenarios', {
        token: 'editor',
        body: seedTest(contractRegion, 'http://127.0.0.1:9/', 2, { iterations: 1 }),
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const done = await untilStatus(t, created.body.testId, ended, 30_000);
      assert.equal(done.status, 'failed');
      assert.match(done.errorReason, new RegExp(contractRegion));
      assert.ok(
        done.errorReason.includes(f.failureMessage ?? ''),
        `"${done.errorReason}" should say "${f.failureMessage}"`,
      );
      await f.assertCleanedUp(done.testRunId, 2, t);
    },
  ],
  'a region whose agents never come fails clearly, naming the region': [
    'no-agents',
    async (t, f) => {
      const created = await t.call('POST', '/api/scenarios', {
        token: 'editor',
        body: seedTest(contractRegion, 'http://127.0.0.1:9/', 2, { iterations: 1 }),
      });
      const done = await untilStatus(t, created.body.testId, ended, 30_000);
      assert.equal(done.status, 'failed');
      assert.match(done.errorReason, new RegExp(`region ${contractRegion}`));
      await f.assertCleanedUp(done.testRunId, 2, t);
    },
  ],
};

/** Registers the contract's cases for one launcher. */
export function launcherContract(name: string, make: (mode: LauncherMode) => Promise<LauncherFixture>): void {
  for (const [title, [mode, run]] of Object.entries(cases)) {
    test(`${name} launcher: ${title}`, async () => {
      const f = await make(mode);
      let t: TestServer | undefined;
      try {
        t = await testServer({
          launchers: [],
          launcherConfig: f.config,
          timing: { provisionTimeoutMs: mode === 'no-agents' ? 4_000 : 60_000, cancelGraceMs: 5_000, drainMs: 2_000 },
          ...f.server,
        });
        await f.up?.(t);
        await run(t, f);
      } finally {
        await t?.close();
        await f.dispose();
      }
    });
  }
}
