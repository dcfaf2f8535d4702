/**
 * Placing a run's tasks on a region's agents: each task takes a free slot, `GET /api/regions`
 * shows what is free, and a region with too few free slots makes the run wait for agents (the
 * default, bounded by the provisioning timeout, with a reason that counts what was missing) or
 * fail at once, as the test chose with `capacity`.
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
    timing: { provisionTimeoutMs: 3_000 },
    launcherConfig: { regions: { 'cap-pool': { type: 'pool' } } },
  });
});
after(async () => {
  for (const a of agents) a.close();
  await t.close();
});

async function agent(name: string, region: string, slots = 1): Promise<ProtocolAgent> {
  const a = new ProtocolAgent({ url: t.server.url, token: t.tokens.agent, region, name, slots });
  agents.push(a);
  for (let i = 0; i < 100 && !t.server.context.hub.agents(region).find((x) => x.name === name)?.synced; i++)
    await new Promise((r) => setTimeout(r, 20));
  return a;
}

async function untilStatus(testId: string, wanted: string[]) {
  for (let i = 0; ; i++) {
    const got = await t.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' });
    if (wanted.includes(got.body.status) || i > 200) return got.body;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const region = async (name: string) =>
  (await t.call('GET', '/api/regions', { token: 'viewer' })).body.regions.find(
    (r: { region: string }) => r.region === name,
  );

test('capacity "fail": a region with too few free slots fails the run at once, saying what it has', async () => {
  await agent('f1', 'cap-fail', 2);
  const body = seedBody('http://127.0.0.1:9/', {
    testTaskConfigs: [{ region: 'cap-fail', taskCount: 3, concurrency: 1 }],
    capacity: 'fail',
  });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const done = await untilStatus(created.body.testId, ['failed']);
  assert.equal(done.status, 'failed');
  assert.equal(
    done.errorReason,
    `region cap-fail has 2 free slots (1 online agent, 2 slots in all) for the run's 3 tasks there, and the test's capacity policy is "fail" ("wait" waits for agents instead)`,
  );
  assert.equal(done.testTaskConfigs[0].capacity, 'fail', 'the choice is kept with the test');
});

test('capacity "fail" holds in a region configured as a pool too', async () => {
  await agent('p1', 'cap-pool', 1);
  const body = seedBody('http://127.0.0.1:9/', {
    testTaskConfigs: [{ region: 'cap-pool', taskCount: 2, concurrency: 1 }],
    capacity: 'fail',
  });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const done = await untilStatus(created.body.testId, ['failed']);
  assert.equal(done.status, 'failed');
  assert.match(
    done.errorReason,
    /^region cap-pool has 1 free slot \(1 online agent, 1 slot in all\) for the run's 2 tasks/,
  );
});

test('capacity "wait" (the default): tasks wait for free slots and run once an agent comes', async () => {
  const a = await agent('w1', 'cap-wait');
  const body = seedBody('http://127.0.0.1:9/', {
    testTaskConfigs: [{ region: 'cap-wait', taskCount: 2, concurrency: 1 }],
  });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  const first = await a.next('assign');
  assert.deepEqual(await region('cap-wait'), {
    region: 'cap-wait',
    agents: 1,
    offlineAgents: 0,
    slots: 1,
    freeSlots: 0,
    launcher: null,
    compatible: true,
  });
  assert.equal(
    (await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' })).body.status,
    'provisioning',
  );
  const b = await agent('w2', 'cap-wait');
  const second = await b.next('assign');
  assert.notEqual(first.task.taskId, second.task.taskId);
  a.send({ type: 'ready', taskId: first.task.taskId });
  b.send({ type: 'ready', taskId: second.task.taskId });
  const starts = await Promise.all([a.next('start'), b.next('start')]);
  assert.equal(starts[0].atServerMs, starts[1].atServerMs);
  await t.call('POST', `/api/scenarios/${created.body.testId}`, { token: 'editor' });
  a.send({ type: 'done', taskId: first.task.taskId, interrupted: true });
  b.send({ type: 'done', taskId: second.task.taskId, interrupted: true });
});

test('capacity "wait" gives up after the provisioning timeout, counting what was missing', async () => {
  await agent('t1', 'cap-short');
  const body = seedBody('http://127.0.0.1:9/', {
    testTaskConfigs: [{ region: 'cap-short', taskCount: 3, concurrency: 1, capacity: 'wait' }],
    capacity: 'fail',
  });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  const done = await untilStatus(created.body.testId, ['failed']);
  assert.match(
    done.errorReason,
    /^task \S+ \(region cap-short\) found no agent of region cap-short with a free slot within 3 s \(2 of 3 tasks still waiting; 1 online agents, 0 free slots\)$/,
  );
});

test('a bad capacity is refused naming the field', async () => {
  const body = seedBody('http://127.0.0.1:9/', {
    testTaskConfigs: [{ region: 'cap-fail', taskCount: 1, concurrency: 1, capacity: 'maybe' }],
    capacity: 'later',
  });
  const r = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  assert.equal(r.status, 400);
  const fields = r.body.problems.map((p: { field: string }) => p.field).sort();
  assert.deepEqual(fields, ['capacity', 'testTaskConfigs[0].capacity']);
});
