/**
 * A run that has ended no longer blocks its test, even while the server still drains what the
 * rest of its agents upload: the seed's re-POST runs the test again at once, and a cancel is for
 * the new run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ProtocolAgent } from '../hub/protocol-agent.ts';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';

let t: TestServer;
const agents: ProtocolAgent[] = [];
before(async () => {
  t = await testServer({
    hubTiming: { pings: 2, pingGapMs: 5 },
    timing: { provisionTimeoutMs: 5_000, drainMs: 60_000 },
    launcherConfig: { regions: { duo: { type: 'pool' } } },
  });
});
after(async () => {
  for (const a of agents) a.close();
  await t.close();
});

async function agent(name: string): Promise<ProtocolAgent> {
  const a = new ProtocolAgent({ url: t.server.url, token: t.tokens.agent, region: 'duo', name, slots: 1 });
  agents.push(a);
  for (let i = 0; i < 100 && !t.server.context.hub.agents('duo').find((x) => x.name === name)?.synced; i++)
    await new Promise((r) => setTimeout(r, 20));
  return a;
}

async function untilStatus(testId: string, wanted: string[]) {
  for (let i = 0; ; i++) {
    const got = await t.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' });
    if (wanted.includes(got.body.status) || i > 250) return got.body;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a failed run whose other task still drains does not block a re-POST; a cancel then stops the new run', async () => {
  const [a, b] = [await agent('a'), await agent('b')];
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'duo', taskCount: 2, concurrency: 1 }] });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const testId = created.body.testId as string;
  const first = created.body.testRunId as string;
  const [assignedA] = await Promise.all([a.next('assign'), b.next('assign')]);
  // One task fails; the other agent never answers, so the run drains for a minute.
  a.send({ type: 'failed', taskId: assignedA.task.taskId, reason: 'the script broke' });
  const ended = await untilStatus(testId, ['failed']);
  assert.equal(ended.status, 'failed');

  const again = await t.call('POST', '/api/scenarios', { token: 'editor', body: { ...body, testId } });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.notEqual(again.body.testRunId, first);
  const cancel = await t.call('POST', `/api/scenarios/${testId}`, { token: 'editor' });
  assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
  const run = await t.call('GET', `/api/scenarios/${testId}/testruns/${again.body.testRunId}`, { token: 'viewer' });
  assert.ok(['cancelling', 'cancelled'].includes(run.body.status), run.body.status);
  const old = await t.call('GET', `/api/scenarios/${testId}/testruns/${first}`, { token: 'viewer' });
  assert.equal(old.body.status, 'failed', 'the ended run keeps its status');
});
