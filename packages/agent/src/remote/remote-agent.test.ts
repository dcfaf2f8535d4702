/**
 * A real agent against `TestHub` (the server's side of the protocol on loopback) and a real
 * HTTP target that counts what reaches it: the whole task flow, a failed first upload, cancel,
 * refusals and a reconnect with the snapshots missed while away.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import type { TaskResult, TaskSpec } from '@dlt/model';
import { type AgentOptions, runAgent } from './remote-agent.ts';
import { TestHub } from './test-hub.ts';

async function startTarget() {
  let count = 0;
  const server = createServer((_req, res) => {
    count++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => count,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Starts an agent that is stopped when the test ends, however it ends (else it would dial forever). */
function startAgent(t: TestContext, hub: TestHub, extra: Partial<AgentOptions> = {}) {
  const stop = new AbortController();
  const logs: string[] = [];
  const exit = runAgent({
    server: hub.url,
    token: 'agent-token',
    region: 'eu-test',
    slots: 2,
    name: 'agent-under-test',
    signal: stop.signal,
    backoff: { baseMs: 50, maxMs: 200 },
    drainMs: 2_000,
    log: (l) => logs.push(l),
    ...extra,
  });
  t.after(async () => {
    stop.abort();
    await exit;
  });
  return { stop, exit, logs };
}

function task(target: string, holdFor: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return {
    runId: 'run-1',
    testId: 'test-1',
    taskId: 'task-1',
    region: 'eu-test',
    testType: 'simple',
    concurrency: 2,
    definition: {
      execution: [{ concurrency: 50, 'hold-for': holdFor, scenario: 's' }],
      scenarios: { s: { 'think-time': '20ms', requests: [`${target}/hit`] } },
    },
    share: { index: 0, count: 1 },
    maxDurationMs: 60_000,
    ...extra,
  };
}

test('a task runs from assign to done: ready, common start, snapshots, one upload despite a 500', async (t) => {
  await using target = await startTarget();
  await using hub = await TestHub.start({ failUploads: 1 });
  const agent = startAgent(t, hub);
  const hello = await hub.until(() => hub.of('hello')[0], 5_000, 'hello');
  assert.equal(hello.protocol, 1);
  assert.equal(hello.region, 'eu-test');
  assert.equal(hello.slots, 2);
  assert.deepEqual(hello.running, []);
  await hub.until(() => hub.of('pong').length === 3, 5_000, 'three pongs');
  assert.deepEqual(
    hub.of('pong').map((p) => p.id),
    [1, 2, 3],
  );

  const assign = { type: 'assign', task: task(target.url, '1500ms'), clockOffsetMs: 0, rttMs: 3 } as const;
  hub.send(assign);
  await hub.until(() => hub.of('ready').length === 1, 5_000, 'ready');
  hub.send(assign);
  await hub.until(() => hub.of('ready').length === 2, 5_000, 'ready again for a repeated assign');
  assert.equal(target.count(), 0, 'no load before the start');
  const at = Date.now() + 150;
  hub.send({ type: 'start', taskId: 'task-1', atServerMs: at });
  hub.send({ type: 'start', taskId: 'task-1', atServerMs: at });
  const done = await hub.until(() => hub.of('done')[0], 10_000, 'done');

  assert.equal(done.interrupted, false);
  const started = hub.of('started')[0];
  assert.ok(started.startedAtAgentMs >= at - 2, `started ${started.startedAtAgentMs - at} ms from the start time`);
  assert.ok(hub.of('snapshot').length >= 1, 'a snapshot every second');
  assert.equal(hub.uploadAttempts, 2, 'the 500 was retried');
  assert.equal(hub.uploads.size, 1);
  const upload = hub.uploads.get('task-1');
  assert.ok(upload);
  const result = upload.result as TaskResult;
  assert.equal(upload.interrupted, false);
  assert.equal(upload.rttMs, 3);
  assert.equal(upload.startedAtServerMs, started.startedAtAgentMs);
  assert.equal(result.totals.requests, target.count(), 'the result counts what the target saw');
  assert.ok(result.totals.requests > 10);
  assert.equal(result.vusMax, 2, "the task's concurrency, not the item's 50");
  const live = hub.of('snapshot').reduce((n, m) => n + m.snapshot.totals.requests, 0);
  assert.equal(live, result.totals.requests, 'the live seconds (the last, partial one included) add up to the result');
  const order = hub.heard.map((h) => h.message.type).filter((t) => t !== 'hello' && t !== 'pong' && t !== 'snapshot');
  assert.deepEqual(order, ['ready', 'ready', 'started', 'done'], 'a repeated start runs nothing twice');

  agent.stop.abort();
  assert.deepEqual(await agent.exit, { kind: 'stopped' });
});

test('cancel stops the task at once and still uploads what was measured, interrupted', async (t) => {
  await using target = await startTarget();
  await using hub = await TestHub.start();
  const agent = startAgent(t, hub);
  await hub.until(() => hub.of('hello').length > 0);
  hub.send({ type: 'assign', task: task(target.url, '30s'), clockOffsetMs: 0 });
  await hub.until(() => hub.of('ready').length > 0);
  hub.send({ type: 'start', taskId: 'task-1', atServerMs: Date.now() });
  await hub.until(() => hub.of('snapshot').length > 0 && target.count() > 5, 5_000, 'a snapshot and some load');
  const cancelledAt = Date.now();
  hub.send({ type: 'cancel', taskId: 'task-1', reason: 'user asked' });
  const done = await hub.until(() => hub.of('done')[0], 5_000, 'done');
  assert.ok(Date.now() - cancelledAt < 2_000, 'stopped within 2 s');
  assert.equal(done.interrupted, true);
  const upload = hub.uploads.get('task-1');
  assert.equal(upload?.interrupted, true);
  const result = upload?.result as TaskResult;
  // A request in flight when the cancel came may reach the target unrecorded: one per VU at most.
  const measured = result.totals.requests;
  assert.ok(
    measured > 0 && measured <= target.count() && measured >= target.count() - 2,
    `${measured} of ${target.count()}`,
  );
  agent.stop.abort();
  await agent.exit;
});

test('a task the agent cannot run fails with the reason, and frees its slot', async (t) => {
  await using hub = await TestHub.start();
  const agent = startAgent(t, hub, { slots: 1 });
  await hub.until(() => hub.of('hello').length > 0);
  hub.send({ type: 'assign', task: task('http://127.0.0.1:9', '1s', { testType: 'k6' }), clockOffsetMs: 0 });
  const failed = await hub.until(() => hub.of('failed')[0]);
  assert.match(failed.reason, /a k6 test needs its script/);
  hub.send({
    type: 'assign',
    task: task('http://127.0.0.1:9', '1s', { taskId: 'task-2', definition: { execution: 'no' } }),
    clockOffsetMs: 0,
  });
  const second = await hub.until(() => hub.of('failed')[1]);
  assert.equal(second.taskId, 'task-2', 'the slot was free again');
  assert.ok((second.problems ?? []).length > 0, 'every problem of the definition is sent');
  agent.stop.abort();
  await agent.exit;
});

const refusals: [name: string, hub: () => Promise<TestHub>, extra: Partial<AgentOptions>, reason: RegExp][] = [
  ['another protocol version', () => TestHub.start({ protocol: 2 }), {}, /agent protocol 1, server protocol 2/],
  [
    'a wrong token',
    () => TestHub.start(),
    { token: 'wrong' },
    /^the server refused the agent token \(HTTP 401: the agent token is unknown\)$/,
  ],
];
for (const [name, makeHub, extra, reason] of refusals) {
  test(`the agent ends, refused, on ${name}`, async (t) => {
    await using hub = await makeHub();
    const agent = startAgent(t, hub, extra);
    const exit = await agent.exit;
    assert.equal(exit.kind, 'refused');
    assert.match(exit.kind === 'refused' ? exit.reason : '', reason);
  });
}

test('after a dropped connection the agent comes back, carries on, and sends the seconds it missed', async (t) => {
  await using target = await startTarget();
  await using hub = await TestHub.start();
  const agent = startAgent(t, hub);
  await hub.until(() => hub.of('hello').length > 0);
  hub.send({ type: 'assign', task: task(target.url, '3500ms'), clockOffsetMs: 0 });
  await hub.until(() => hub.of('ready').length > 0);
  hub.send({ type: 'start', taskId: 'task-1', atServerMs: Date.now() });
  await hub.until(() => hub.of('snapshot').length > 0, 5_000, 'a snapshot');
  hub.closedUntil = Date.now() + 1_300;
  hub.drop();
  const again = await hub.until(() => hub.heard.find((h) => h.connection === 2 && h.message.type === 'hello'));
  assert.ok(again.message.type === 'hello' && again.message.running.includes('task-1'), 'hello names the task');
  await hub.until(() => hub.of('done').length > 0, 10_000, 'done');

  const snaps = hub.heard.filter((h) => h.message.type === 'snapshot');
  const missed = snaps.filter(
    (h) => h.connection === 2 && h.message.type === 'snapshot' && h.message.snapshot.at + 1_000 < again.at,
  );
  assert.ok(missed.length > 0, 'seconds that ended while away arrive after the reconnect');
  const seconds = snaps.map((h) => (h.message.type === 'snapshot' ? h.message.snapshot.at : 0));
  for (let i = 1; i < seconds.length; i++) assert.equal(seconds[i] - seconds[i - 1], 1_000, 'no second lost');
  const upload = hub.uploads.get('task-1');
  assert.equal(upload?.interrupted, false);
  assert.equal((upload?.result as TaskResult | undefined)?.totals.requests, target.count());
  agent.stop.abort();
  await agent.exit;
});

test('while a task runs, a reconnect waits at most busyMaxMs (the server waits 10 s for a lost agent)', async (t) => {
  await using target = await startTarget();
  await using hub = await TestHub.start();
  const agent = startAgent(t, hub, { backoff: { baseMs: 100, maxMs: 60_000, busyMaxMs: 400 } });
  await hub.until(() => hub.of('hello').length > 0);
  hub.send({ type: 'assign', task: task(target.url, '5s'), clockOffsetMs: 0 });
  await hub.until(() => hub.of('ready').length > 0);
  hub.send({ type: 'start', taskId: 'task-1', atServerMs: Date.now() });
  await hub.until(() => hub.of('snapshot').length > 0, 5_000, 'a snapshot');
  hub.closedUntil = Date.now() + 2_000;
  hub.drop();
  await hub.until(() => hub.heard.find((h) => h.connection === 2 && h.message.type === 'hello'), 10_000, 'back');
  // Unbounded, the fourth wait would be 400-800 ms, the fifth 800-1,600.
  const waits = agent.logs.flatMap((l) => /reconnecting in (\d+) ms/.exec(l)?.slice(1) ?? []).map(Number);
  assert.ok(waits.length >= 4, `waits ${waits}`);
  assert.ok(
    waits.every((w) => w <= 400),
    `waits ${waits}`,
  );
  agent.stop.abort();
  await agent.exit;
});

test('stopping the agent interrupts its task and uploads the result before it exits', async (t) => {
  await using target = await startTarget();
  await using hub = await TestHub.start();
  const agent = startAgent(t, hub);
  await hub.until(() => hub.of('hello').length > 0);
  hub.send({ type: 'assign', task: task(target.url, '30s'), clockOffsetMs: 0 });
  await hub.until(() => hub.of('ready').length > 0);
  hub.send({ type: 'start', taskId: 'task-1', atServerMs: Date.now() });
  await hub.until(() => target.count() > 5, 5_000, 'some load');
  agent.stop.abort();
  assert.deepEqual(await agent.exit, { kind: 'stopped' });
  assert.equal(hub.uploads.get('task-1')?.interrupted, true);
  await hub.until(() => hub.of('done').length > 0, 2_000, 'done');
});
