/**
 * End to end for Locust tests, as the seed runs them: a real `dlt start` process, the `dlt
 * agent` processes it launches (each running a real headless Locust) and a counting target on
 * loopback. A test with `testType: locust` is created through `POST /api/scenarios` with its
 * load in `testScenario` (`executor: locust`, `hold-for`, a scenario whose `script` is the
 * locustfile) and the file uploaded through the script route, once as a script and once as a
 * zip with a helper module; 2 tasks run it, and the target's count equals the merged totals.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findLocust } from '@dlt/agent';
import { makeZip } from '../../scripts/src/bundle/test-zip.ts';
import { type DltStart, dltStart } from './dlt-start.ts';

const password = 'e2e-locust-password';

const received: string[] = [];
let target: Server;
let port = 0;
let dataDir = '';
let dlt: DltStart | undefined;

before(async () => {
  await findLocust((line) => process.stderr.write(`${line}\n`));
  target = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  port = (target.address() as { port: number }).port;
  dataDir = await mkdtemp(join(tmpdir(), 'dlt-e2e-locust-'));
  // Agents give a locustfile 10 s to load (30 by default), so the endless import below ends soon.
  dlt = await dltStart(dataDir, password, { DLT_LOCUST_LOAD_TIMEOUT: '10' });
});

after(async () => {
  // The server and the agents it launched share a process group; each Locust has a group of
  // its own and ends with its task, which every test waits for.
  dlt?.kill();
  target.close();
  await rm(dataDir, { recursive: true, force: true });
});

const api = (method: string, path: string, body?: unknown, bytes?: Uint8Array) =>
  (dlt as DltStart).api(method, path, body, bytes);

/** Creates a Locust test (saved only), uploads its file, runs it on 2 tasks and waits for the end. */
async function runLocustTest(fileType: 'script' | 'zip', name: string, bytes: Uint8Array) {
  return untilEnded(await startLocustTest(fileType, name, bytes, '2s'));
}

/** Creates a Locust test of `holdFor`, uploads its file and starts it on 2 tasks; returns its id. */
async function startLocustTest(fileType: 'script' | 'zip', name: string, bytes: Uint8Array, holdFor: string) {
  const body = {
    testName: `locust ${fileType} through the platform`,
    testDescription: name,
    testType: 'locust',
    fileType,
    testTaskConfigs: [{ region: 'local', taskCount: 2, concurrency: 2 }],
    testScenario: {
      execution: [{ executor: 'locust', concurrency: 1, 'hold-for': holdFor, scenario: 'shop' }],
      scenarios: { shop: { script: name, 'default-address': `http://127.0.0.1:${port}` } },
    },
    regionalTaskDetails: { local: { dltAvailableTasks: 100 } },
    saveOnly: true,
  };
  const created = await api('POST', '/api/scenarios', body);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const { testId } = created.body;
  const uploaded = await api('PUT', `/api/scenarios/${testId}/script?name=${name}`, undefined, bytes);
  assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
  const started = await api('POST', '/api/scenarios', { ...body, testId, saveOnly: false });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return testId as string;
}

async function untilEnded(testId: string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const s = (await api('GET', `/api/scenarios/${testId}?history=false`)).body;
    if (['complete', 'failed', 'cancelled'].includes(s.status)) return s;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`test ${testId} did not end`);
}

const locustfile = (helper: boolean) =>
  [
    'from locust import HttpUser, constant, task',
    ...(helper ? ['from shop_paths import CART'] : ["CART = '/cart'"]),
    '',
    '',
    'class Shopper(HttpUser):',
    '    wait_time = constant(0.05)',
    '',
    '    @task',
    '    def browse(self):',
    "        self.client.get('/items?page=1', name='items')",
    '        self.client.post(CART, name=\'add to cart\', json={"id": 1})',
    '',
  ].join('\n');

test('a locustfile on 2 tasks: each task runs Locust with the task’s users; the target’s count is the merged total', async () => {
  received.length = 0;
  const done = await runLocustTest('script', 'shop.py', new TextEncoder().encode(locustfile(false)));
  assert.equal(done.status, 'complete', done.errorReason);
  assert.ok(received.length > 20, `only ${received.length} requests`);
  assert.equal(done.summary.totals.requests, received.length);
  assert.equal(Number(done.results.total.throughput), received.length);
  assert.deepEqual(done.summary.labels['add to cart'].requests, received.filter((r) => r === 'POST /cart').length);
  assert.deepEqual(Object.keys(done.summary.labels).sort(), ['add to cart', 'items']);
  const run = await api('GET', `/api/scenarios/${done.testId}/testruns/${done.testRunId}`);
  assert.equal(run.body.tasks.length, 2);
});

test('a zip with the locustfile and a module it imports runs the same way', async () => {
  received.length = 0;
  const zip = makeZip([
    { name: 'locustfile.py', data: locustfile(true), deflate: true },
    { name: 'shop_paths.py', data: "CART = '/basket'\n" },
  ]);
  const done = await runLocustTest('zip', 'shop.zip', zip);
  assert.equal(done.status, 'complete', done.errorReason);
  assert.ok(received.includes('POST /basket'), 'the imported module was used');
  assert.equal(done.summary.totals.requests, received.length);
});

test('a locustfile that cannot load fails the run before the start, with Locust’s words', async () => {
  received.length = 0;
  const broken = 'from locust import HttpUser, task\n\n\nclass Shopper(HttpUser)\n    pass\n';
  const done = await runLocustTest('script', 'broken.py', new TextEncoder().encode(broken));
  assert.equal(done.status, 'failed');
  assert.match(done.errorReason, /SyntaxError/);
  assert.equal(received.length, 0);
});

test('a locustfile without a User class fails the run before the start, saying so', async () => {
  received.length = 0;
  const none = 'import os\n\nBASE = os.environ.get("BASE", "/")\n';
  const done = await runLocustTest('script', 'helpers_only.py', new TextEncoder().encode(none));
  assert.equal(done.status, 'failed');
  assert.match(done.errorReason, /Locust found no User class in it/);
  const run = await api('GET', `/api/scenarios/${done.testId}/testruns/${done.testRunId}`);
  assert.ok(
    run.body.tasks.every((t: { startedAtMs?: number }) => t.startedAtMs === undefined),
    'no task started',
  );
});

test('a locustfile that never finishes importing fails the run with a clear reason, not the agents', async () => {
  received.length = 0;
  const looping = 'from locust import HttpUser, task\n\nwhile True:\n    pass\n';
  const done = await runLocustTest('script', 'looping.py', new TextEncoder().encode(looping));
  assert.equal(done.status, 'failed');
  assert.match(done.errorReason, /still loading it after 10 s and was stopped/);
  assert.equal(received.length, 0);
  // The agents are still there and run the next test.
  const next = await runLocustTest('script', 'shop.py', new TextEncoder().encode(locustfile(false)));
  assert.equal(next.status, 'complete', next.errorReason);
});

test('a cancel ends every task’s Locust: no request reaches the target after it, and what was measured is kept', async () => {
  received.length = 0;
  const testId = await startLocustTest('script', 'shop.py', new TextEncoder().encode(locustfile(false)), '60s');
  const deadline = Date.now() + 30_000;
  while (received.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(received.length >= 20, 'Locust never got going');
  const cancelled = await api('POST', `/api/scenarios/${testId}`);
  assert.equal(cancelled.status, 200);
  const done = await untilEnded(testId);
  assert.equal(done.status, 'cancelled');
  const settled = received.length;
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(received.length, settled, 'requests still arriving after the run ended');
  assert.ok(done.summary.totals.requests > 0 && done.summary.totals.requests <= received.length);
});
