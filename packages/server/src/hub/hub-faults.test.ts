/**
 * What the hub refuses, and that it keeps serving everyone else meanwhile: a wrong token, an
 * agent token's limits, garbage, a message that breaks the protocol, an oversized message; and
 * an agent that misses its heartbeats is marked offline, and its running task fails the run
 * with a reason naming it.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';
import { ProtocolAgent } from './protocol-agent.ts';

let t: TestServer;
const agents: ProtocolAgent[] = [];
before(async () => {
  t = await testServer({
    hubTiming: { pings: 2, pingGapMs: 5, heartbeatMs: 100, silentMs: 1_500, maxMessageBytes: 64 * 1024 },
    timing: { reconnectGraceMs: 300, drainMs: 200 },
  });
});
after(async () => {
  for (const a of agents) a.close();
  await t.close();
});

function agent(name: string, region = 'faults', token = t.tokens.agent): ProtocolAgent {
  const a = new ProtocolAgent({ url: t.server.url, token, region, name });
  agents.push(a);
  return a;
}

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 5_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const synced = (name: string) => t.server.context.hub.agents().find((a) => a.name === name && a.synced);

/** The answer to a WebSocket upgrade of the agent endpoint with `token`: status and body. */
function upgradeAnswer(token?: string): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/api/agents/connect', t.server.url), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error('upgraded'));
    });
    req.on('response', async (res) => {
      let body = '';
      for await (const chunk of res) body += chunk;
      resolve([res.statusCode ?? 0, body]);
    });
    req.on('error', reject);
    req.end();
  });
}

test('a refused upgrade says why in its body', async () => {
  assert.deepEqual(await upgradeAnswer(), [401, 'no token: send Authorization: Bearer <agent token>']);
  assert.deepEqual(await upgradeAnswer('not-a-token'), [401, 'the agent token is unknown, deleted or expired']);
  assert.deepEqual(await upgradeAnswer(t.tokens.viewer), [
    403,
    'a viewer token is no agent token; make one with POST /api/tokens {"role": "agent"}',
  ]);
});

test('wrong or revoked tokens are refused before the upgrade; an agent token can only run tasks', async () => {
  const wrong = agent('wrong', 'faults', 'not-a-token');
  assert.equal(await wrong.closed, 1006, 'the upgrade is answered 401, no socket');
  const viewer = agent('viewer', 'faults', t.tokens.viewer);
  assert.equal(await viewer.closed, 1006, 'a viewer token is no agent token (403)');
  for (const [method, path] of [
    ['GET', '/api/scenarios'],
    ['POST', '/api/scenarios'],
    ['GET', '/api/agents'],
    ['GET', '/api/regions'],
    ['POST', '/api/tokens'],
    ['GET', '/metrics'],
  ] as const) {
    const r = await t.call(method, path, { token: 'agent', body: method === 'POST' ? {} : undefined });
    assert.equal(r.status, 403, `${method} ${path} with an agent token: ${r.status}`);
  }
});

test('a token revoked while its agent is connected ends that connection with the reason', async () => {
  const made = await t.call('POST', '/api/tokens', { token: 'admin', body: { name: 'soon-gone', role: 'agent' } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const a = agent('revoked', 'faults', made.body.token);
  await until('revoked synced', () => synced('revoked'));
  assert.equal((await t.call('DELETE', `/api/tokens/${made.body.tokenId}`, { token: 'admin' })).status, 200);
  const refused = await a.next('refused');
  assert.equal(refused.reason, 'its agent token was revoked or has expired');
  assert.equal(await a.closed, 4001);
  const gone = await until('listed offline', () => t.server.context.hub.offline().find((o) => o.name === 'revoked'));
  assert.equal(gone.reason, 'refused: its agent token was revoked or has expired');
});

test('garbage, a message that breaks the protocol and an oversized one close only that connection, with the reason', async () => {
  const good = agent('steady');
  await until('steady synced', () => synced('steady'));
  const cases: [name: string, send: (a: ProtocolAgent) => void, code: number, reason: RegExp][] = [
    ['garbage', (a) => a.sendRaw('{{{ not json'), 4002, /message \d+ refused: not JSON/],
    [
      'an unknown type',
      (a) => a.sendRaw(JSON.stringify({ type: 'explode', taskId: 'x' })),
      4002,
      /message \d+ refused: a explode message that breaks the protocol/,
    ],
    [
      'a snapshot with a wrong field',
      (a) => a.sendRaw(JSON.stringify({ type: 'snapshot', taskId: 'x', snapshot: { at: 'soon' } })),
      4002,
      /a snapshot message that breaks the protocol: snapshot\.at/,
    ],
    [
      'a reason longer than a close frame holds, in letters of more than one byte',
      (a) =>
        a.sendRaw(
          JSON.stringify({ type: 'snapshot', taskId: 'x', snapshot: { at: 1, labels: { ['ä'.repeat(80)]: {} } } }),
        ),
      4002,
      /^message \d+ refused: a snapshot message that breaks the protocol: snapshot\./,
    ],
    // Checking costs time per value, and the server has one thread: too many is refused unread.
    [
      'more entries than a message may hold',
      (a) =>
        a.sendRaw(JSON.stringify({ type: 'snapshot', taskId: 'x', snapshot: { at: 1, noise: Array(10_001).fill(0) } })),
      4002,
      /^message \d+ refused: a message with an object or array of more than 10000 entries$/,
    ],
    // 1009 is WebSocket's own "message too big"; the server's agent list says it in words.
    ['an oversized message', (a) => a.sendRaw(Buffer.alloc(100 * 1024, 0x20)), 1009, /^$/],
  ];
  for (const [name, send, code, reason] of cases) {
    const bad = agent(`bad-${agents.length}`);
    await bad.next('welcome');
    send(bad);
    assert.equal(await bad.closed, code, name);
    assert.match(bad.closeReason, reason, name);
  }
  const helloless = agent('helloless');
  await helloless.next('welcome');
  // A good agent saw none of it: still connected, still answering heartbeats.
  const before = synced('steady')!.lastHeard;
  await until('a heartbeat from steady', () => synced('steady') && synced('steady')!.lastHeard > before);
  assert.ok(good.received.some((m) => m.type === 'welcome'));
  const listed = (await t.call('GET', '/api/agents', { token: 'viewer' })).body;
  assert.ok(listed.agents.some((a: { name: string }) => a.name === 'steady'));
  const offline = listed.offline.filter((a: { name: string }) => a.name.startsWith('bad-'));
  assert.deepEqual(
    offline.map((a: { reason: string }) => a.reason.replace(/^message \d+ refused: /, '').slice(0, 34)),
    [
      'not JSON',
      'a explode message that breaks the ',
      'a snapshot message that breaks the',
      'a snapshot message that breaks the',
      'a message with an object or array ',
      'sent a message over the size limit',
    ],
  );
});

test('a bad hello is refused with the reason (the agent stops)', async () => {
  const a = new ProtocolAgent({ url: t.server.url, token: t.tokens.agent, region: 'Not A Region', name: 'x' });
  agents.push(a);
  const refused = await a.next('refused');
  assert.match(refused.reason, /bad region name "Not A Region"/);
  assert.equal(await a.closed, 4001);
});

test('an agent that misses its heartbeats is marked offline; its running task fails the run naming it', async () => {
  const hung = agent('hung', 'hang');
  await until('hung synced', () => synced('hung'));
  const regions = (await t.call('GET', '/api/regions', { token: 'viewer' })).body.regions;
  assert.deepEqual(
    regions.find((r: { region: string }) => r.region === 'hang'),
    { region: 'hang', agents: 1, offlineAgents: 0, slots: 1, freeSlots: 1, launcher: null, compatible: true },
  );
  const body = seedBody('http://127.0.0.1:9/', { testTaskConfigs: [{ region: 'hang', taskCount: 1, concurrency: 1 }] });
  const created = await t.call('POST', '/api/scenarios', { token: 'editor', body });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const assign = await hung.next('assign');
  hung.send({ type: 'ready', taskId: assign.task.taskId });
  await hung.next('start');
  hung.send({ type: 'started', taskId: assign.task.taskId, startedAtAgentMs: Date.now() });
  hung.mute();
  assert.equal(await hung.closed, 4003, 'dropped for silence');
  const off = await until('hung listed offline', async () => {
    const listed = (await t.call('GET', '/api/agents', { token: 'viewer' })).body;
    return listed.offline.find((a: { name: string }) => a.name === 'hung');
  });
  assert.equal(off.status, 'offline');
  assert.match(off.reason, /missed its heartbeats: nothing heard for 2 s/);
  const after = (await t.call('GET', '/api/regions', { token: 'viewer' })).body.regions;
  const hang = after.find((r: { region: string }) => r.region === 'hang');
  assert.deepEqual([hang.agents, hang.offlineAgents, hang.freeSlots], [0, 1, 0], 'listed with its agent offline');
  let got = await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  for (let i = 0; i < 100 && got.body.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    got = await t.call('GET', `/api/scenarios/${created.body.testId}`, { token: 'viewer' });
  }
  assert.equal(got.body.status, 'failed');
  assert.equal(
    got.body.errorReason,
    `task ${assign.task.taskId} (region hang) lost its agent hung (missed its heartbeats: nothing heard for 2 s; not back within 0.3 s)`,
  );
});

test("an agent's clock that moves while it is connected is followed within a dozen heartbeats", async () => {
  const drifter = agent('drifter', 'drift');
  const seen = await until('drifter synced', () => synced('drifter'));
  assert.ok(Math.abs(seen.offsetMs) < 50, `offset ${seen.offsetMs}`);
  drifter.skewMs = 3_000;
  await until('the new offset', () => Math.abs(seen.offsetMs - 3_000) < 50, 10_000);
});
