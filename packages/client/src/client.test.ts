/**
 * The client against a small node:http stub that records each request and answers as told:
 * every method's route, query and body; every error shape the API sends; the live stream.
 * (The same calls run against the real server in packages/server once its app factory lands.)
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ApiError } from './api-error.ts';
import { createClient, type DltClient } from './client.ts';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
  readonly auth?: string;
}

let seen: Seen[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => json(res, 200, { ok: true });
let base = '';
const server = createServer((req, res) => {
  let text = '';
  req.on('data', (d) => {
    text += d;
  });
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: text ? JSON.parse(text) : undefined,
      auth: req.headers.authorization,
    });
    answer(req, res);
  });
});
function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const upload = {
  runId: 'r',
  taskId: 't/1',
  interrupted: false,
  result: {},
  startedAtServerMs: 1,
  clockOffsetMs: 0,
  rttMs: 1,
};
const calls: [name: string, call: (c: DltClient) => Promise<unknown>, expected: Omit<Seen, 'auth'>][] = [
  [
    'login',
    (c) => c.login('admin', 'pw'),
    { method: 'POST', path: '/api/auth/login', query: {}, body: { username: 'admin', password: 'pw' } },
  ],
  [
    'createToken',
    (c) => c.createToken({ name: 'ci', role: 'agent' }),
    { method: 'POST', path: '/api/tokens', query: {}, body: { name: 'ci', role: 'agent' } },
  ],
  [
    'listScenarios with tags',
    (c) => c.listScenarios({ tags: ['a', 'b'] }),
    { method: 'GET', path: '/api/scenarios', query: { tags: 'a,b' }, body: undefined },
  ],
  [
    'getScenario',
    (c) => c.getScenario('T1', { history: false }),
    { method: 'GET', path: '/api/scenarios/T1', query: { history: 'false' }, body: undefined },
  ],
  [
    'createScenario',
    (c) =>
      c.createScenario({
        testName: 'n',
        testDescription: 'ddd',
        testType: 'simple',
        testTaskConfigs: [],
        testScenario: {},
      }),
    {
      method: 'POST',
      path: '/api/scenarios',
      query: {},
      body: { testName: 'n', testDescription: 'ddd', testType: 'simple', testTaskConfigs: [], testScenario: {} },
    },
  ],
  [
    'cancelScenario',
    (c) => c.cancelScenario('T1'),
    { method: 'POST', path: '/api/scenarios/T1', query: {}, body: undefined },
  ],
  [
    'deleteScenario',
    (c) => c.deleteScenario('T1'),
    { method: 'DELETE', path: '/api/scenarios/T1', query: {}, body: undefined },
  ],
  [
    'listTestRuns',
    (c) => c.listTestRuns('T1', { limit: 5, nextToken: 'abc', startTimestamp: '2026-01-01T00:00:00Z' }),
    {
      method: 'GET',
      path: '/api/scenarios/T1/testruns',
      query: { limit: '5', next_token: 'abc', start_timestamp: '2026-01-01T00:00:00Z' },
      body: undefined,
    },
  ],
  [
    'getTestRun',
    (c) => c.getTestRun('T1', 'R1'),
    { method: 'GET', path: '/api/scenarios/T1/testruns/R1', query: {}, body: undefined },
  ],
  [
    'deleteTestRuns',
    (c) => c.deleteTestRuns('T1', ['R1', 'R2']),
    { method: 'DELETE', path: '/api/scenarios/T1/testruns', query: {}, body: ['R1', 'R2'] },
  ],
  [
    'getBaseline',
    (c) => c.getBaseline('T1', { data: false }),
    { method: 'GET', path: '/api/scenarios/T1/baseline', query: { data: 'false' }, body: undefined },
  ],
  [
    'putBaseline',
    (c) => c.putBaseline('T1', 'R1'),
    { method: 'PUT', path: '/api/scenarios/T1/baseline', query: {}, body: { testRunId: 'R1' } },
  ],
  [
    'deleteBaseline',
    (c) => c.deleteBaseline('T1'),
    { method: 'DELETE', path: '/api/scenarios/T1/baseline', query: {}, body: undefined },
  ],
  [
    'compare with another run',
    (c) => c.compare('T1', 'R2', 'R1'),
    { method: 'GET', path: '/api/scenarios/T1/testruns/R2/compare', query: { with: 'R1' }, body: undefined },
  ],
  ['listRegions', (c) => c.listRegions(), { method: 'GET', path: '/api/regions', query: {}, body: undefined }],
  ['listTasks', (c) => c.listTasks(), { method: 'GET', path: '/api/tasks', query: {}, body: undefined }],
  [
    'uploadTaskResult escapes the task id',
    (c) => c.uploadTaskResult(upload),
    { method: 'PUT', path: '/api/agent/tasks/t%2F1/result', query: {}, body: upload },
  ],
];
for (const [name, call, expected] of calls) {
  test(`client: ${name}`, async () => {
    seen = [];
    answer = (_req, res) => json(res, 200, { ok: true });
    await call(createClient({ baseUrl: `${base}/`, token: 'tok' }));
    assert.deepEqual(seen, [{ ...expected, auth: 'Bearer tok' }]);
  });
}

const errors: [name: string, reply: (res: ServerResponse) => void, status: number, code: string, message: string][] = [
  [
    'dlt body with problems',
    (res) =>
      json(res, 400, {
        code: 'INVALID_REQUEST_BODY',
        message: 'testName: too short',
        problems: [{ field: 'testName', message: 'too short' }],
      }),
    400,
    'INVALID_REQUEST_BODY',
    'testName: too short',
  ],
  [
    "the seed's CODE: message string",
    (res) => json(res, 409, 'TEST_RUNNING: the test is running'),
    409,
    'TEST_RUNNING',
    'the test is running',
  ],
  [
    "fastify's default body",
    (res) => json(res, 404, { statusCode: 404, error: 'Not Found', message: 'Route GET:/x not found' }),
    404,
    'NOT_FOUND',
    'Route GET:/x not found',
  ],
  [
    "a proxy's HTML page",
    (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>'),
    502,
    'SERVER_ERROR',
    '<h1>Bad Gateway</h1>',
  ],
  ['an empty 401', (res) => res.writeHead(401).end(), 401, 'UNAUTHORIZED', 'Unauthorized'],
];
for (const [name, reply, status, code, message] of errors) {
  test(`client errors: ${name}`, async () => {
    answer = (_req, res) => reply(res);
    const e = await createClient({ baseUrl: base })
      .getScenario('T1')
      .catch((x: unknown) => x);
    assert.ok(ApiError.is(e), String(e));
    assert.deepEqual([e.status, e.code, e.message], [status, code, message]);
  });
}

test('client errors: no server is status 0, NETWORK_ERROR', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const e = await createClient({ baseUrl: `http://127.0.0.1:${port}` })
    .listRegions()
    .catch((x: unknown) => x);
  assert.ok(ApiError.is(e));
  assert.equal(e.status, 0);
  assert.equal(e.code, 'NETWORK_ERROR');
});

test('live: events split across chunks, comments skipped, JSON parsed, ends when the server does', async () => {
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': keep-alive\n\nevent: snapshot\nid: 7\ndata: {"at":10');
    setTimeout(() => res.end('00}\n\nevent: status\r\ndata: running\r\n\r\ndata: a\ndata: b\n\n'), 20);
  };
  seen = [];
  const events = [];
  for await (const e of createClient({ baseUrl: base, token: 'tok' }).live('R 1')) events.push(e);
  assert.equal(seen[0].path, '/api/runs/R%201/live');
  assert.deepEqual(events, [
    { event: 'snapshot', data: { at: 1000 }, id: '7' },
    { event: 'status', data: 'running' },
    { event: 'message', data: 'a\nb' },
  ]);
});

test('live: aborting the signal ends the iteration', async () => {
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: 1\n\n');
  };
  const stop = new AbortController();
  const got: unknown[] = [];
  for await (const e of createClient({ baseUrl: base }).live('R1', { signal: stop.signal })) {
    got.push(e.data);
    stop.abort();
  }
  assert.deepEqual(got, [1]);
});
