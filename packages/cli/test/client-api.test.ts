/**
 * @dlt/client against the real server (its app in this process, real `dlt agent` processes for
 * the runs, a real target on loopback): every method's route and answer, the live stream of a
 * run, and the typed errors. It lives with the CLI because the client's own package may not
 * import the server.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ApiError,
  createClient,
  type DltClient,
  type LiveEvent,
  type RunLiveEvent,
  type ScenarioInput,
} from '@dlt/client';
import { type RunningServer, startServer } from '@dlt/server';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
const password = 'client-admin-password';
let hits = 0;
const target = createServer((_req, res) => {
  hits++;
  res.end('ok');
});
let server: RunningServer;
let dir = '';
let admin: DltClient;
let editor: DltClient;
let viewer: DltClient;
let agent: DltClient;

before(async () => {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(join(tmpdir(), 'dlt-client-'));
  server = await startServer({
    dataDir: dir,
    port: 0,
    adminPassword: password,
    agentCommand: [process.execPath, bin, 'agent'],
  });
  admin = createClient({
    baseUrl: server.url,
    token: (await createClient({ baseUrl: server.url }).login('admin', password)).token,
  });
  const as = async (role: 'editor' | 'viewer' | 'agent') =>
    createClient({ baseUrl: `${server.url}/`, token: (await admin.createToken({ name: role, role })).token });
  editor = await as('editor');
  viewer = await as('viewer');
  agent = await as('agent');
});
after(async () => {
  await server.close();
  target.closeAllConnections();
  target.close();
  await rm(dir, { recursive: true, force: true });
});

function body(over: Partial<ScenarioInput> = {}): ScenarioInput {
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  return {
    testName: 'client api',
    testDescription: 'the typed client against the real server',
    testType: 'simple',
    testTaskConfigs: [{ region: 'local', taskCount: 2, concurrency: 1 }],
    testScenario: {
      execution: [{ concurrency: 1, 'hold-for': '1s', scenario: 's' }],
      scenarios: { s: { 'think-time': '20ms', requests: [url] } },
    },
    tags: ['Client Tests'],
    ...over,
  };
}

/** Follows a run's live stream to its end. */
async function follow(runId: string): Promise<RunLiveEvent[]> {
  const events: LiveEvent[] = [];
  for await (const e of viewer.live(runId, { signal: AbortSignal.timeout(20_000) })) events.push(e);
  return events as RunLiveEvent[];
}

async function expectError(p: Promise<unknown>, status: number, code: string): Promise<ApiError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.ok(ApiError.is(e), `expected ApiError ${status} ${code}, got ${String(e)}`);
  assert.deepEqual([e.status, e.code], [status, code], e.message);
  return e;
}

test('a run through the client: create, live stream to the end, results, history, baseline, compare, delete', async () => {
  const first = await editor.createScenario(body());
  assert.ok(first.testRunId, 'creating runs it');
  const events = await follow(first.testRunId);
  const statuses = events.flatMap((e) => (e.event === 'status' ? [e.data.status] : []));
  assert.equal(statuses.at(-1), 'complete');
  const tasks = new Set(events.flatMap((e) => (e.event === 'snapshot' ? [e.data.taskId] : [])));
  assert.equal(tasks.size, 2, 'snapshots from both tasks');

  const done = await viewer.getScenario(first.testId, { history: true });
  assert.equal(done.status, 'complete');
  assert.equal(done.summary?.totals.requests, hits, "the merged total is the target's own count");
  assert.equal(done.totalTestRuns, 1);

  const second = await editor.createScenario({ ...body(), testId: first.testId });
  assert.notEqual(second.testRunId, first.testRunId);
  await follow(second.testRunId as string);
  const page1 = await viewer.listTestRuns(first.testId, { limit: 1 });
  assert.equal(page1.testRuns[0].testRunId, second.testRunId, 'newest first');
  const page2 = await viewer.listTestRuns(first.testId, { limit: 1, nextToken: page1.pagination.next_token ?? '' });
  assert.equal(page2.testRuns[0].testRunId, first.testRunId);
  const run = await viewer.getTestRun(first.testId, first.testRunId);
  assert.equal(run.status, 'complete');
  assert.ok(run.results?.total, "the seed's results");

  assert.equal((await editor.putBaseline(first.testId, first.testRunId)).baselineId, first.testRunId);
  assert.equal((await viewer.getBaseline(first.testId)).baselineId, first.testRunId);
  const deltas = await viewer.compare(first.testId, second.testRunId as string);
  assert.equal(deltas.baselineId, first.testRunId);
  const against = await viewer.compare(first.testId, first.testRunId, second.testRunId);
  assert.equal(against.baselineId, second.testRunId);
  await expectError(editor.deleteTestRuns(first.testId, [first.testRunId]), 409, 'BASELINE_CONFLICT');
  await editor.deleteBaseline(first.testId);
  assert.equal((await viewer.getBaseline(first.testId)).baselineId, null);
  await expectError(editor.deleteBaseline(first.testId), 400, 'NO_BASELINE_SET');
  assert.deepEqual(await editor.deleteTestRuns(first.testId, [first.testRunId]), { deletedCount: 1 });

  const tagged = await viewer.listScenarios({ tags: ['client-tests'] });
  assert.deepEqual(
    tagged.Items.map((t) => t.testId),
    [first.testId],
  );
  assert.deepEqual((await viewer.listScenarios({ tags: ['other'] })).Items, []);
  await expectError(editor.cancelScenario(first.testId), 409, 'TEST_NOT_RUNNING');
  assert.equal(await editor.deleteScenario(first.testId), 'success');
  await expectError(viewer.getScenario(first.testId), 404, 'TEST_NOT_FOUND');
});

test('regions, tasks, agents, tokens and users', async () => {
  const { regions } = await viewer.listRegions();
  assert.ok(regions.some((r) => r.region === 'local'));
  assert.ok(Array.isArray(await viewer.listTasks()));
  assert.ok(Array.isArray((await viewer.listAgents()).agents));
  const made = await editor.createToken({ name: 'ci', role: 'viewer' });
  const mine = await editor.listTokens();
  assert.ok(mine.tokens.some((t) => t.tokenId === made.tokenId && t.name === 'ci'));
  assert.equal(await editor.deleteToken(made.tokenId as string), 'success');
  await expectError(createClient({ baseUrl: server.url, token: made.token }).listRegions(), 401, 'UNAUTHORIZED');
  await admin.createUser({ username: 'qa', password: 'a long enough password', role: 'viewer' });
  const qa = createClient({
    baseUrl: server.url,
    token: (await createClient({ baseUrl: server.url }).login('qa', 'a long enough password')).token,
  });
  assert.ok(Array.isArray((await qa.listScenarios()).Items));
});

test('scripts: upload, download, and a refused upload names the problem', async () => {
  const k6 = await editor.createScenario({ ...body(), testType: 'k6', fileType: 'script', saveOnly: true });
  const script = new TextEncoder().encode('export default function () {}\n');
  await editor.uploadScript(k6.testId, 'test.js', script);
  assert.deepEqual(await viewer.downloadScript(k6.testId), script);
  const e = await expectError(editor.uploadScript(k6.testId, 'test.py', script), 400, 'INVALID_QUERY');
  assert.match(e.message, /name/);
});

const refusals: [name: string, call: () => Promise<unknown>, status: number, code: string][] = [
  ['a wrong password', () => createClient({ baseUrl: server.url }).login('admin', 'nope'), 401, 'UNAUTHORIZED'],
  ['no token', () => createClient({ baseUrl: server.url }).listScenarios(), 401, 'UNAUTHORIZED'],
  ['a viewer creating a test', () => viewer.createScenario(body()), 403, 'FORBIDDEN'],
  ['a viewer making an admin token', () => viewer.createToken({ name: 'x', role: 'admin' }), 403, 'FORBIDDEN'],
  ['an agent token reading tests', () => agent.listScenarios(), 403, 'FORBIDDEN'],
  [
    'a bad body',
    () => editor.createScenario({ ...body(), testName: 'x', testTaskConfigs: [] }),
    400,
    'INVALID_REQUEST_BODY',
  ],
  ['an unknown run', () => viewer.getTestRun('nope', 'nope'), 404, 'TEST_NOT_FOUND'],
  [
    'an upload for an unknown task',
    () =>
      agent.uploadTaskResult({
        runId: 'r1',
        taskId: 't1',
        interrupted: false,
        result: { format: 'dlt.task-result/1' },
        startedAtServerMs: 0,
        clockOffsetMs: 0,
        rttMs: 0,
      }),
    404,
    'TASK_NOT_FOUND',
  ],
];
for (const [name, call, status, code] of refusals) {
  test(`client errors: ${name} is ${status} ${code}`, () => expectError(call(), status, code).then(() => undefined));
}

test('client errors: a bad body lists every bad field', async () => {
  const e = await expectError(
    editor.createScenario({ ...body(), testName: 'x', testTaskConfigs: [] }),
    400,
    'INVALID_REQUEST_BODY',
  );
  const fields = e.problems.map((p) => (p as { field?: string }).field);
  assert.ok(fields.includes('testName') && fields.includes('testTaskConfigs'), JSON.stringify(fields));
});

test('client errors: no server is status 0, NETWORK_ERROR', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await expectError(createClient({ baseUrl: `http://127.0.0.1:${port}` }).listRegions(), 0, 'NETWORK_ERROR');
});
