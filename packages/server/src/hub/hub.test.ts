/**
 * The agent hub and orchestrator through the protocol, with hand-driven agents: a mismatched
 * protocol is refused with a clear reason, the clock offset is measured, every task of a run
 * gets one start instant, uploads are idempotent and merged exactly, and a failed task fails
 * the run naming it.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { mergeResults, Recorder } from '@dlt/metrics';
import { type TaskResult, zeroTimings } from '@dlt/model';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';
import { ProtocolAgent } from './protocol-agent.ts';

let t: TestServer;
const agents: ProtocolAgent[] = [];
before(async () => {
  t = await testServer({ hubTiming: { pings: 3, pingGapMs: 5 }, timing: { reconnectGraceMs: 300 } });
});
after(async () => {
  for (const a of agents) a.close();
  await t.close();
});

function agent(o: Partial<ConstructorParameters<typeof ProtocolAgent>[0]> = {}): ProtocolAgent {
  const a = new ProtocolAgent({ url: t.server.url, token: t.tokens.agent, region: 'lab', ...o });
  agents.push(a);
  return a;
}

/**
 * A task result of `n` requests taking `ms` each, one every 10 ms from `start` (epoch ms), over
 * at least 2 s; with `ticks`, a second of the timeline per 100 requests.
 */
function resultOf(n: number, ms: number, start = 1_000_000, ticks = false): TaskResult {
  const rec = new Recorder({ startedAt: start });
  for (let i = 0; i < n; i++) {
    const at = start + i * 10;
    if (ticks && i > 0 && i % 100 === 0) rec.tick(at);
    rec.record({
      label: 'home',
      scenario: 's',
      method: 'GET',
      status: i % 10 === 0 ? 500 : 200,
      error: null,
      intendedAt: at,
      startedAt: at,
      firstByteAt: at + ms / 2,
      endedAt: at + ms,
      timings: zeroTimings,
      bytesSent: 10,
      bytesReceived: 100,
    });
  }
  return rec.result(start + Math.max(2_000, Math.ceil(n / 100) * 1000));
}

async function untilAgents(n: number): Promise<void> {
  for (let i = 0; i < 100 && t.server.context.hub.agents('lab').filter((a) => a.synced).length < n; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('an agent of another protocol version is refused with a reason that says so', async () => {
  const a = agent({ protocol: 99, name: 'old' });
  const refused = await a.next('refused');
  assert.match(refused.reason, /agent protocol 99 does not match the server's protocol 1/);
  assert.equal(await a.closed, 4001);
});

test('the clock offset comes from the pings', async () => {
  const a = agent({ name: 'skewed', skewMs: 5_000, region: 'skew' });
  const welcome = await a.next('welcome');
  assert.ok(Math.abs(welcome.serverTime - Date.now()) < 1000);
  for (let i = 0; i < 100 && !t.server.context.hub.agents('skew')[0]?.synced; i++)
    await new Promise((r) => setTimeout(r, 20));
  const seen = t.server.context.hub.agents('skew')[0];
  assert.ok(Math.abs(seen.offsetMs - 5_000) < 50, `offset ${seen.offsetMs}`);
  a.close();
});

test('two tasks get one start instant; uploads are idempotent and merged exactly', async () => {
  const [a, b] = [agent({ name: 'a' }), agent({ name: 'b' })];
  await untilAgents(2);
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'lab', taskCount: 2, concurrency: 1 }] });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const assigns = await Promise.all([a.next('assign'), b.next('assign')]);
  assert.deepEqual(assigns.map((m) => m.task.share.index).sort(), [0, 1]);
  assert.ok(assigns.every((m) => m.task.share.count === 2 && m.task.concurrency === 1 && m.task.definition));
  a.send({ type: 'ready', taskId: assigns[0].task.taskId });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(
    a.received.some((m) => m.type === 'start'),
    false,
    'started before every task was ready',
  );
  b.send({ type: 'ready', taskId: assigns[1].task.taskId });
  const starts = await Promise.all([a.next('start'), b.next('start')]);
  assert.equal(starts[0].atServerMs, starts[1].atServerMs);
  assert.ok(starts[0].atServerMs > Date.now() - 50);

  const results = [resultOf(100, 4), resultOf(300, 20)];
  const uploads = assigns.map((m, i) => ({
    runId: m.task.runId,
    taskId: m.task.taskId,
    interrupted: false,
    result: results[i],
    startedAtServerMs: starts[0].atServerMs + i,
    clockOffsetMs: 0,
    rttMs: 1,
  }));
  assert.equal((await a.upload({ ...uploads[0], runId: 'otherRun' })).status, 409);
  assert.equal((await a.upload({ ...uploads[0], taskId: 'nope-0' })).status, 404);
  assert.equal((await a.upload({ ...uploads[0], result: { format: 'dlt.task-result/1' } })).status, 400);
  const first = await a.upload(uploads[0]);
  assert.deepEqual(first, { status: 200, body: { acknowledged: true, taskId: uploads[0].taskId, repeat: false } });
  assert.equal(((await a.upload(uploads[0])).body as { repeat: boolean }).repeat, true);
  await b.upload(uploads[1]);
  a.send({ type: 'done', taskId: uploads[0].taskId, interrupted: false });
  b.send({ type: 'done', taskId: uploads[1].taskId, interrupted: false });
  let got = await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  for (let i = 0; i < 50 && got.body.status !== 'complete'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    got = await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  }
  assert.equal(got.body.status, 'complete');
  const total = got.body.results.total;
  const exact = got.body.summary.totals.responseTime;
  const merged = mergeResults(results);
  assert.equal(total.throughput, 400);
  assert.equal(total.fail, 40);
  assert.deepEqual(total.rc, [{ code: '500', count: 40 }]);
  assert.equal(total.bytes, '40000');
  assert.equal(got.body.results.lab.throughput, 400);
  assert.equal(total.labels[0].label, 'home');
  // 300 of the 400 took 20 ms: the p50 is 20 ms, where a mean of the tasks' p50s would say 12.
  assert.ok(Math.abs(exact.p50 - 20) < 0.05, `p50 ${exact.p50}`);
  assert.equal(Number(total.p50_0), Number((exact.p50 / 1000).toFixed(6)));
  assert.equal(got.body.summary.totals.requests, merged.totals.requests);
  const run = await t.call('GET', `/api/scenarios/${created.body.testId}/testruns/${got.body.testRunId}`, {
    token: 'viewer',
  });
  assert.equal(run.body.startSpreadMs, 1);
  // The last upload ended the run before either `done` came: the tasks still read as done.
  assert.deepEqual(
    run.body.tasks.map((x: { status: string; endedAt?: string }) => [x.status, typeof x.endedAt]),
    [
      ['done', 'string'],
      ['done', 'string'],
    ],
  );
});

test('a task that fails fails the run with a reason naming it', async () => {
  const c = agent({ name: 'c', region: 'lab2' });
  await c.next('welcome');
  for (let i = 0; i < 100 && !t.server.context.hub.agents('lab2')[0]?.synced; i++)
    await new Promise((r) => setTimeout(r, 20));
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'lab2', taskCount: 1, concurrency: 1 }] });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  const assign = await c.next('assign');
  c.send({
    type: 'failed',
    taskId: assign.task.taskId,
    reason: 'cannot compile',
    problems: [{ field: 'x', message: 'bad' }],
  });
  let got = await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  for (let i = 0; i < 50 && got.body.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    got = await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  }
  assert.equal(got.body.status, 'failed');
  assert.equal(got.body.errorReason, `task ${assign.task.taskId} (region lab2) failed: cannot compile (x: bad)`);
});

test('the live stream carries the status and every snapshot, and ends with the run', async () => {
  const d = agent({ name: 'd', region: 'lab3' });
  await d.next('welcome');
  for (let i = 0; i < 100 && !t.server.context.hub.agents('lab3')[0]?.synced; i++)
    await new Promise((r) => setTimeout(r, 20));
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'lab3', taskCount: 1, concurrency: 1 }] });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  const res = await fetch(`${t.server.url}/api/runs/${created.body.testRunId}/live`, {
    headers: { authorization: `Bearer ${t.tokens.viewer}` },
  });
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const assign = await d.next('assign');
  const snapshot = resultOf(3, 1).timeline[0] ?? { at: 1_000_000, durationMs: 1000 };
  d.send({ type: 'ready', taskId: assign.task.taskId });
  await d.next('start');
  d.send({ type: 'snapshot', taskId: assign.task.taskId, snapshot: snapshot as never });
  await t.call('POST', `/api/scenarios/${created.body.testId}`, { token: 'editor' });
  d.send({ type: 'done', taskId: assign.task.taskId, interrupted: true });
  const text = await res.text();
  const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => [m[1], JSON.parse(m[2])]);
  const statuses = events.filter(([e]) => e === 'status').map(([, d]) => d.status);
  assert.ok(statuses.includes('running') && statuses.at(-1) === 'cancelled', statuses.join(','));
  const snap = events.find(([e]) => e === 'snapshot')?.[1];
  assert.equal(snap.taskId, assign.task.taskId);
  assert.equal(snap.region, 'lab3');
});

test('an agent back while its run is ending is told to stop the task it holds (else its slot stays taken)', async () => {
  // Long grace and drain: the agent is back well within both, as after a server restart.
  const own = await testServer({
    hubTiming: { pings: 2, pingGapMs: 5 },
    timing: { reconnectGraceMs: 20_000, drainMs: 20_000 },
  });
  after(() => own.close());
  const opts = { url: own.server.url, token: own.tokens.agent, region: 'lab4' };
  const [e1, e2] = [new ProtocolAgent({ ...opts, name: 'e1' }), new ProtocolAgent({ ...opts, name: 'e2' })];
  agents.push(e1, e2);
  for (let i = 0; i < 100 && own.server.context.hub.agents('lab4').filter((a) => a.synced).length < 2; i++)
    await new Promise((r) => setTimeout(r, 20));
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'lab4', taskCount: 2, concurrency: 1 }] });
  const created = await own.call('POST', '/api/scenarios', { token: 'editor', body });
  const [a1, a2] = await Promise.all([e1.next('assign'), e2.next('assign')]);
  // e2 is away when e1's task fails the run, so the stop sent then cannot reach it.
  e2.close();
  for (let i = 0; i < 250 && own.server.context.hub.agents('lab4').length > 1; i++)
    await new Promise((r) => setTimeout(r, 20));
  e1.send({ type: 'failed', taskId: a1.task.taskId, reason: 'cannot compile' });
  let got = await own.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  for (let i = 0; i < 250 && got.body.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    got = await own.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  }
  assert.equal(got.body.status, 'failed');
  const back = new ProtocolAgent({ ...opts, name: 'e2', running: [a2.task.taskId] });
  agents.push(back);
  const cancel = await back.next('cancel');
  assert.equal(cancel.taskId, a2.task.taskId);
  assert.match(cancel.reason, /the run failed: task .*-\d \(region lab4\) failed: cannot compile/);
});

test("tasks whose agents' clocks disagree merge in the server's clock: the seconds they shared, the time it took", async () => {
  const [near, far] = [
    agent({ name: 'near', region: 'clocks' }),
    agent({ name: 'far', region: 'clocks', skewMs: 7_000 }),
  ];
  for (let i = 0; i < 100 && t.server.context.hub.agents('clocks').filter((a) => a.synced).length < 2; i++)
    await new Promise((r) => setTimeout(r, 20));
  const body = seedBody('http://127.0.0.1:9/', {
    testTaskConfigs: [{ region: 'clocks', taskCount: 2, concurrency: 1 }],
  });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  const assigns = await Promise.all([near.next('assign'), far.next('assign')]);
  assert.ok(Math.abs(assigns[1].clockOffsetMs - 7_000) < 50, `measured ${assigns[1].clockOffsetMs}`);
  near.send({ type: 'ready', taskId: assigns[0].task.taskId });
  far.send({ type: 'ready', taskId: assigns[1].task.taskId });
  const { atServerMs } = await near.next('start');
  // Both ran the same 2 s; each recorded it in its own clock, the far one 7 s ahead.
  for (const [i, a] of [near, far].entries()) {
    const offset = assigns[i].clockOffsetMs;
    const up = await a.upload({
      runId: assigns[i].task.runId,
      taskId: assigns[i].task.taskId,
      interrupted: false,
      result: resultOf(100, 5, 1_000_000 + Math.round(offset)),
      startedAtServerMs: atServerMs,
      clockOffsetMs: offset,
      rttMs: 1,
    });
    assert.equal(up.status, 200);
  }
  let got = await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  for (let i = 0; i < 100 && got.body.status !== 'complete'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    got = await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  }
  assert.equal(got.body.status, 'complete');
  const summary = got.body.summary;
  assert.ok(Math.abs(summary.durationMs - 2_000) < 50, `duration ${summary.durationMs} ms`);
  assert.equal(summary.totals.requests, 200);
  assert.deepEqual(
    summary.timeline.map((s: { requests: number }) => s.requests),
    resultOf(100, 5).timeline.map((s) => s.totals.requests * 2),
    'the seconds of both tasks line up',
  );
});

test('the seconds an upload holds that the live stream missed are added to it, so they add up to the result', async () => {
  const g = agent({ name: 'g', region: 'lab5' });
  for (let i = 0; i < 100 && !t.server.context.hub.agents('lab5')[0]?.synced; i++)
    await new Promise((r) => setTimeout(r, 20));
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'lab5', taskCount: 1, concurrency: 1 }] });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  const assign = await g.next('assign');
  g.send({ type: 'ready', taskId: assign.task.taskId });
  const { atServerMs } = await g.next('start');
  // Three seconds of 100 requests; only the first went live before the control channel fell.
  const result = resultOf(300, 5, Math.floor(atServerMs / 1000) * 1000, true);
  assert.equal(result.timeline.length, 3);
  g.send({ type: 'snapshot', taskId: assign.task.taskId, snapshot: result.timeline[0] });
  const stream = await fetch(`${t.server.url}/api/runs/${created.body.testRunId}/live`, {
    headers: { authorization: `Bearer ${t.tokens.viewer}` },
  });
  const up = await g.upload({
    runId: assign.task.runId,
    taskId: assign.task.taskId,
    interrupted: false,
    result,
    startedAtServerMs: atServerMs,
    clockOffsetMs: assign.clockOffsetMs,
    rttMs: 1,
  });
  assert.equal(up.status, 200);
  const text = await stream.text();
  const seconds = new Map<number, number>();
  for (const m of text.matchAll(/event: second\ndata: (.*)\n/g)) {
    const s = JSON.parse(m[1]);
    seconds.set(s.at, s.totals.requests);
  }
  assert.deepEqual([...seconds.values()], [100, 100, 100]);
  assert.match(text, /"status":"complete"/);
});

test('a live subscriber that stops reading is cut off past the limit, not buffered for without end', async () => {
  const own = await testServer({ hubTiming: { pings: 2, pingGapMs: 5 }, limits: { liveBufferedBytes: 256 * 1024 } });
  after(() => own.close());
  const src = new ProtocolAgent({ url: own.server.url, token: own.tokens.agent, region: 'lab6', name: 'src' });
  agents.push(src);
  for (let i = 0; i < 100 && !own.server.context.hub.agents('lab6')[0]?.synced; i++)
    await new Promise((r) => setTimeout(r, 20));
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'lab6', taskCount: 1, concurrency: 1 }] });
  const created = await own.call('POST', '/api/scenarios', { token: 'editor', body });
  const assign = await src.next('assign');
  src.send({ type: 'ready', taskId: assign.task.taskId });
  await src.next('start');
  // A subscriber that asks and then never reads.
  const { port } = new URL(own.server.url);
  const stalled = connect(Number(port), '127.0.0.1');
  stalled.write(
    `GET /api/runs/${created.body.testRunId}/live HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${own.tokens.viewer}\r\n\r\n`,
  );
  stalled.pause();
  await new Promise((r) => setTimeout(r, 200));
  // 60 seconds of 50 labels with long names: some 12 MB of events for it, more than sockets hold.
  const rec = new Recorder({ startedAt: 1_000_000, clock: () => 1_001_000 });
  for (let l = 0; l < 50; l++) {
    rec.record({
      label: `/${String(l).padStart(2, '0')}/${'x'.repeat(2_000)}`,
      scenario: 's',
      method: 'GET',
      status: 200,
      error: null,
      intendedAt: 1_000_000,
      startedAt: 1_000_000,
      firstByteAt: 1_000_001,
      endedAt: 1_000_002,
      timings: zeroTimings,
      bytesSent: 1,
      bytesReceived: 1,
    });
  }
  const one = rec.tick(1_001_000);
  for (let s = 0; s < 60; s++)
    src.send({ type: 'snapshot', taskId: assign.task.taskId, snapshot: { ...one, at: 1_000_000 + s * 1000 } });
  await new Promise((r) => setTimeout(r, 500));
  let received = 0;
  const closed = new Promise<boolean>((resolve) => {
    stalled.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    stalled.on('close', () => resolve(true));
    setTimeout(() => resolve(false), 5_000).unref();
  });
  stalled.resume();
  try {
    assert.equal(await closed, true, 'the stream of a run still running was ended');
    assert.ok(received < 8 * 1024 * 1024, `${received} bytes were kept for it`);
  } finally {
    stalled.destroy();
    await own.call('POST', `/api/scenarios/${created.body.testId}`, { token: 'editor' });
  }
});
