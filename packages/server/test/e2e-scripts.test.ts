/**
 * End to end for script tests: a real `dlt start` process, the `dlt agent` processes it
 * launches and a counting target on loopback. A JMeter zip (plan + CSV) and a k6 script are
 * created through `POST /api/scenarios`, uploaded through the script route and run by 2 tasks
 * each; the target's own counts equal the merged totals, the CSV rows arrive in order, and the
 * k6 script's thresholds are evaluated by the server on the merged result; `dlt tests run
 * script.js --wait` does it all from the command line and exits 99 on a crossed threshold.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runDlt } from '../../cli/test/helpers.ts';
import { makeZip } from '../../scripts/src/bundle/test-zip.ts';
import { type DltStart, dltStart } from './dlt-start.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'scripts', 'test', 'fixtures', 'jmx');
const password = 'e2e-scripts-password';

const received: { path: string; query: URLSearchParams }[] = [];
let target: Server;
let port = 0;
let dataDir = '';
let dlt: DltStart | undefined;
let base = '';
let token = '';

before(async () => {
  target = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    received.push({ path: url.pathname, query: url.searchParams });
    res.end('ok');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  port = (target.address() as { port: number }).port;
  dataDir = await mkdtemp(join(tmpdir(), 'dlt-e2e-scripts-'));
  dlt = await dltStart(dataDir, password);
  ({ base, token } = dlt);
});

after(async () => {
  // The server and the agents it launched share a process group.
  dlt?.kill();
  target.close();
  await rm(dataDir, { recursive: true, force: true });
});

const api = (method: string, path: string, body?: unknown, bytes?: Uint8Array) =>
  (dlt as DltStart).api(method, path, body, bytes);

/** Creates a script test (saved only), uploads its file, runs it and waits for the end. */
async function runScriptTest(testType: 'jmeter' | 'k6', fileType: 'script' | 'zip', name: string, bytes: Uint8Array) {
  const body = {
    testName: `${testType} through the platform`,
    testDescription: name,
    testType,
    fileType,
    testTaskConfigs: [{ region: 'local', taskCount: 2, concurrency: 1 }],
    // No load in the execution: the script's own runs (with hold-for, it would set each task's load).
    testScenario: { execution: [{ scenario: 'script' }], scenarios: { script: {} } },
    regionalTaskDetails: { local: { dltAvailableTasks: 100 } },
    saveOnly: true,
  };
  const created = await api('POST', '/api/scenarios', body);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const { testId } = created.body;
  const uploaded = await api('PUT', `/api/scenarios/${testId}/script?name=${name}`, undefined, bytes);
  assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
  assert.equal(uploaded.body.fileType, fileType);
  const started = await api('POST', '/api/scenarios', { ...body, testId, saveOnly: false });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const s = (await api('GET', `/api/scenarios/${testId}?history=false`)).body;
    if (['complete', 'failed', 'cancelled'].includes(s.status)) return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`test ${testId} did not end`);
}

test('a JMeter zip (plan + CSV) on 2 tasks: each task runs the plan whole; the target’s count is the merged total', async () => {
  const plan = (await readFile(join(fixtures, 'csv-data-set.jmx'), 'utf8'))
    .replaceAll(/\$\{__P\(host\)\}/g, '127.0.0.1')
    .replaceAll(/\$\{__P\(port\)\}/g, String(port));
  const zip = makeZip([
    { name: 'plan.jmx', data: plan, deflate: true },
    { name: 'data/users.csv', data: await readFile(join(fixtures, 'data/users.csv')) },
    { name: 'data/cities.csv', data: await readFile(join(fixtures, 'data/cities.csv')) },
  ]);
  received.length = 0;
  const done = await runScriptTest('jmeter', 'zip', 'plan.zip', zip);
  assert.equal(done.status, 'complete', done.errorReason);
  const reads = received.filter((r) => r.path === '/read');
  assert.equal(reads.length, 10, '5 loops of 1 thread in each of 2 tasks');
  assert.deepEqual(reads.map((r) => r.query.get('user')).sort(), [
    '<EOF>',
    '<EOF>',
    '<EOF>',
    '<EOF>',
    'alice',
    'alice',
    'bob',
    'bob',
    'carol',
    'carol',
  ]);
  assert.equal(done.summary.totals.requests, received.length);
  assert.equal(Number(done.results.total.throughput), received.length);
  assert.deepEqual(
    done.results.total.labels.map((l: { label: string }) => l.label),
    ['read'],
  );
});

test('a k6 script on 2 tasks: its shared iterations are split between them; the target’s count is the merged total', async () => {
  const script = [
    "import http from 'k6/http';",
    "import { check } from 'k6';",
    'export const options = {',
    "  scenarios: { orders: { executor: 'shared-iterations', vus: 2, iterations: 12 } },",
    "  thresholds: { checks: ['rate==1'], http_reqs: ['count==12'], http_req_duration: ['p(99)<0.001'] },",
    '};',
    'export default function () {',
    `  const res = http.post('http://127.0.0.1:${port}/k6/order?vu=' + __VU, JSON.stringify({ n: __ITER }));`,
    "  check(res, { 'is 200': (r) => r.status === 200 });",
    '}',
  ].join('\n');
  received.length = 0;
  const done = await runScriptTest('k6', 'script', 'orders.js', new TextEncoder().encode(script));
  assert.equal(done.status, 'complete', done.errorReason);
  assert.equal(received.filter((r) => r.path === '/k6/order').length, 12, 'iterations split, none twice');
  assert.equal(done.summary.totals.requests, 12);
  assert.equal(Number(done.results.total.throughput), 12);
  // The script's thresholds, evaluated by the server on the merged result (each task made 6).
  const outcomes = done.summary.thresholds;
  assert.equal(outcomes['checks: rate==1']?.ok, true, JSON.stringify(outcomes));
  assert.equal(outcomes['http_reqs: count==12']?.ok, true, JSON.stringify(outcomes));
  assert.equal(outcomes['http_req_duration: p(99)<0.001']?.ok, false, JSON.stringify(outcomes));
  const run = await api('GET', `/api/scenarios/${done.testId}/testruns/${done.testRunId}`);
  assert.equal(run.body.tasks.length, 2);
});

test('dlt tests run script.js -e … --wait: the CLI checks, stores, uploads and runs it with its __ENV on the agents; a crossed script threshold exits 99', async () => {
  const file = join(dataDir, 'checkout.js');
  await writeFile(
    file,
    [
      "import http from 'k6/http';",
      "export const options = { vus: 1, iterations: 4, thresholds: { http_req_duration: ['max<0.001'] } };",
      "export default function () { http.get(__ENV.TARGET + '/k6/checkout'); }",
    ].join('\n'),
  );
  received.length = 0;
  const target = `http://127.0.0.1:${port}`;
  const args = ['tests', 'run', file, '-e', `TARGET=${target}`, '--wait', '-q', '--server', base, '--token', token];
  const r = await runDlt(args, {
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 99, r.stdout + r.stderr);
  assert.equal(received.filter((q) => q.path === '/k6/checkout').length, 4);
  assert.match(r.stdout, /http_req_duration/);
});
