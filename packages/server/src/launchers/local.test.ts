/**
 * The local launcher (child `dlt agent` processes) and the pool launcher (agents that dialled in
 * on their own) pass the launcher contract.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestServer } from '../test-kit.ts';
import { contractRegion, launcherContract } from './launcher.contract.ts';
import { dltBin, processesWith, runDlt, until } from './launcher-test-kit.ts';

launcherContract('local', async (mode) => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-local-launcher-'));
  // A stand-in agent command: one that fails at once, or one that never dials in.
  const script = join(dir, 'agent.mjs');
  await writeFile(
    script,
    mode === 'failing'
      ? 'console.error("cannot start the agent: no space left on device"); process.exit(3);'
      : 'setTimeout(() => {}, 120_000);',
  );
  const agentCommand = mode === 'agents' ? [process.execPath, dltBin, 'agent'] : [process.execPath, script];
  return {
    config: { regions: { [contractRegion]: { type: 'local' } } },
    server: { agentCommand },
    failureMessage: 'cannot start the agent: no space left on device',
    async assertCleanedUp(runId) {
      await until('the agent processes to end', () => processesWith(`--name\0${runId}-`).length === 0, 10_000);
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

launcherContract('pool', async (mode) => {
  const agents: ReturnType<typeof runDlt>[] = [];
  return {
    config: { regions: { [contractRegion]: { type: 'pool' } } },
    failureMessage: `no agent of pool region ${contractRegion} is connected`,
    async up(t: TestServer) {
      if (mode !== 'agents') return;
      for (let i = 0; i < 3; i++) {
        agents.push(
          runDlt(['agent', '--name', `pool-${i}`], {
            DLT_SERVER: t.server.url,
            DLT_TOKEN: t.tokens.agent,
            DLT_REGION: contractRegion,
          }),
        );
      }
      await until(
        'three pool agents',
        () => t.server.context.hub.agents(contractRegion).filter((a) => a.synced).length === 3,
      );
    },
    async assertCleanedUp(_runId, _count, t) {
      // Nothing was started, so nothing is stopped: the pool's agents stay connected, free again.
      const hub = t.server.context.hub;
      await until(
        'the pool agents to be free',
        () => hub.agents(contractRegion).every((a) => a.tasks.size === 0),
        10_000,
      );
      assert.equal(hub.agents(contractRegion).length, mode === 'agents' ? 3 : 0);
    },
    async dispose() {
      for (const a of agents) a.stop();
      await Promise.all(agents.map((a) => a.exited));
    },
  };
});
