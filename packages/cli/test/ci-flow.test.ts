/**
 * The CI flow: the real `dlt` process against a real server (real `dlt agent` processes) and a
 * loopback target, as a CI job runs it — `dlt tests run FILE|ID --wait` with `--junit` and
 * `--out json=…`, `--fail-on-regression` against the test's baseline, and `dlt run` locally with
 * the same outputs. Exit codes are checked, and every JUnit file against the JUnit schema.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient, type DltClient } from '@dlt/client';
import { type RunningServer, startServer } from '@dlt/server';
import { junitXml } from '../src/ci/junit.ts';
import { parsePercent } from '../src/ci/regression.ts';
import { runDlt, startTarget, type Target } from './helpers.ts';
import { junitCases, junitViolations } from './junit-schema.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
/** Milliseconds the target waits before answering /slow (raised to make a regression). */
let slowMs = 0;
let target: Target;
let server: RunningServer;
let client: DltClient;
let token = '';
let dir = '';

before(async () => {
  target = await startTarget((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = () => res.writeHead(path === '/fail' ? 500 : 200).end('ok');
    if (path === '/slow' && slowMs > 0) setTimeout(answer, slowMs);
    else answer();
  });
  dir = await mkdtemp(join(tmpdir(), 'dlt-ci-'));
  server = await startServer({
    dataDir: join(dir, 'data'),
    port: 0,
    adminPassword: 'ci-admin-password',
    agentCommand: [process.execPath, bin, 'agent'],
  });
  const admin = createClient({
    baseUrl: server.url,
    token: (await createClient({ baseUrl: server.url }).login('admin', 'ci-admin-password')).token,
  });
  token = (await admin.createToken({ name: 'ci', role: 'editor' })).token;
  client = createClient({ baseUrl: server.url, token });
});
after(async () => {
  await server?.close();
  await target?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

const auth = () => ['--server', server.url, '--token', token];

async function testFile(name: string, path: string, thresholds: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const yaml = `execution:\n  - concurrency: 2\n    hold-for: 1s\n    scenario: s\nscenarios:\n  s:\n    think-time: 20ms\n    requests: ['${target.url}${path}']\nthresholds:\n${thresholds}`;
  await writeFile(file, yaml);
  return file;
}

async function validJunit(path: string) {
  const xml = await readFile(path, 'utf8');
  assert.deepEqual(junitViolations(xml), [], xml);
  return junitCases(xml);
}

test('the JUnit checker refuses what the schema refuses', () => {
  const bad: [string, RegExp][] = [
    ['<testsuites><testsuite name="a" tests="1" failures="0" errors="0"/></testsuites>', /tests="1" but it holds 0/],
    ['<testsuite name="a" tests="0" failures="0"/>', /attribute errors is required/],
    ['<testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x"/></testsuite>', /classname/],
    ['<testsuite name="a" tests="0" failures="0" errors="0" time="soon"/>', /time="soon" is not valid/],
    ['<testsuite name="a" tests="0" failures="0" errors="0"><result/></testsuite>', /<result> is not allowed/],
    ['<testsuite name="a" tests="0"', /not well-formed/],
    ['<report/>', /root must be/],
  ];
  for (const [xml, message] of bad) assert.match(junitViolations(xml).join('\n'), message, xml);
});

test('--fail-on-regression takes a decimal percentage only', () => {
  const read: [string, number | undefined][] = [
    ['10', 10],
    ['2.5', 2.5],
    ['10%', 10],
    ['0', 0],
    ['.5', 0.5],
    ['-5', undefined],
    ['abc', undefined],
    ['', undefined],
    ['0x10', undefined],
    ['1e9', undefined],
    ['Infinity', undefined],
    ['10%%', undefined],
  ];
  for (const [text, want] of read) assert.equal(parsePercent(text), want, text);
});

test("JUnit times: the run's case takes the run's seconds, as the suite does", () => {
  const summary = { durationMs: 2500, thresholds: { 'http_req_failed: rate<0.01': { ok: true } } };
  const xml = junitXml({ name: 't', status: 'complete', summary: summary as never });
  assert.deepEqual(junitViolations(xml), [], xml);
  assert.match(xml, /<testsuite [^>]*time="2\.500"/);
  assert.match(xml, /<testcase classname="dlt\.run" name="run completes" time="2\.500"\/>/);
  assert.match(xml, /<testcase classname="dlt\.thresholds" name="http_req_failed: rate&lt;0\.01" time="0"\/>/);
});

test('a failed run is a JUnit error, a regression not checked is skipped, odd names are escaped', () => {
  const xml = junitXml({
    name: 'checkout <"&">',
    status: 'failed',
    errorReason: 'task T1 (region local) failed: \u0007boom',
    regressionSkipped: 'test T has no baseline',
  });
  assert.deepEqual(junitViolations(xml), [], xml);
  assert.deepEqual(junitCases(xml), [
    {
      classname: 'dlt.run',
      name: 'run completes',
      outcome: 'error',
      message: 'run failed: task T1 (region local) failed: boom',
    },
    {
      classname: 'dlt.regression',
      name: 'regression against baseline',
      outcome: 'skipped',
      message: 'test T has no baseline',
    },
  ]);
});

test('tests run FILE --wait: exit 0, a valid JUnit file with a passing case per threshold, the summary as JSON', async () => {
  const file = await testFile(
    'ci-pass',
    '/ok',
    "  http_req_failed: ['rate<0.01']\n  http_req_duration: ['p(95)<5000']\n",
  );
  const junit = join(dir, 'reports', 'pass.xml');
  const json = join(dir, 'reports', 'pass.json');
  const r = await runDlt(['tests', 'run', file, '--wait', '-q', '--junit', junit, '--out', `json=${json}`, ...auth()]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await validJunit(junit), [
    { classname: 'dlt.run', name: 'run completes', outcome: 'passed' },
    { classname: 'dlt.thresholds', name: 'http_req_failed: rate<0.01', outcome: 'passed' },
    { classname: 'dlt.thresholds', name: 'http_req_duration: p(95)<5000', outcome: 'passed' },
  ]);
  const summary = JSON.parse(await readFile(json, 'utf8'));
  assert.equal(summary.totals.requests, target.hits.get('/ok'), "the JSON's total is the target's count");
  assert.ok(summary.timeline.length > 0 && summary.regions.local, 'regions and the timeline are kept');
});

test('a crossed threshold: exit 99 and a JUnit failure naming it', async () => {
  const file = await testFile('ci-fail', '/fail', "  http_req_failed: ['rate<0.01']\n  http_reqs: ['count>0']\n");
  const junit = join(dir, 'fail.xml');
  const r = await runDlt(['tests', 'run', file, '--wait', '-q', '--junit', junit, ...auth()]);
  assert.equal(r.code, 99, r.stderr);
  const cases = await validJunit(junit);
  assert.deepEqual(
    cases.map((c) => [c.name, c.outcome]),
    [
      ['run completes', 'passed'],
      ['http_req_failed: rate<0.01', 'failure'],
      ['http_reqs: count>0', 'passed'],
    ],
  );
  assert.match(cases[1].message ?? '', /threshold crossed: http_req_failed: rate<0\.01 \(actual 1\)/);
});

test('--fail-on-regression: no baseline is said and skipped; a slower run than the baseline exits 99', async () => {
  const file = await testFile('ci-regress', '/slow', "  http_req_duration: ['p(95)<10000']\n");
  // The target answers in 30 ms for the baseline and the steady run, then in 600 ms: every
  // sample of the slower run takes that long, so only a baseline p95 above 400 ms (a machine
  // far busier than any CI) could hide the regression.
  slowMs = 30;
  const first = await runDlt(['tests', 'run', file, '--wait', '-q', '--fail-on-regression', '50', '--json', ...auth()]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /regression: not checked: test \S+ has no baseline/);
  // Each run of FILE is a new test: the note says how to get something to compare with.
  assert.match(
    first.stderr,
    /this was its first run: make it the baseline \(dlt tests baseline \S+\) and run this test again/,
  );
  const { testId, testRunId } = JSON.parse(first.stdout);
  const set = await runDlt(['tests', 'baseline', testId, ...auth()]);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, `run ${testRunId} is the baseline of test ${testId}\n`);
  assert.equal((await client.getBaseline(testId)).baselineId, testRunId);

  const same = join(dir, 'same.xml');
  const steady = await runDlt([
    'tests',
    'run',
    testId,
    '--wait',
    '-q',
    '--fail-on-regression',
    '1000',
    '--junit',
    same,
    ...auth(),
  ]);
  assert.equal(steady.code, 0, steady.stderr);
  assert.match(steady.stderr, /regression: p95 response time .*within bounds/);
  assert.deepEqual(
    (await validJunit(same)).filter((c) => c.classname === 'dlt.regression').map((c) => c.outcome),
    ['passed', 'passed'],
  );

  slowMs = 600;
  const junit = join(dir, 'regress.xml');
  const slower = await runDlt([
    'tests',
    'run',
    testId,
    '--wait',
    '-q',
    '--fail-on-regression',
    '50',
    '--junit',
    junit,
    ...auth(),
  ]);
  slowMs = 0;
  assert.equal(slower.code, 99, slower.stderr);
  assert.match(slower.stderr, /regression: p95 response time .* worse by more than 50%/);
  assert.match(slower.stderr, new RegExp(`worse than baseline ${testRunId} by more than 50%`));
  const regression = (await validJunit(junit)).filter((c) => c.classname === 'dlt.regression');
  assert.deepEqual(
    regression.map((c) => [c.name, c.outcome]),
    [
      [`p95 against baseline ${testRunId}`, 'failure'],
      [`errorRate against baseline ${testRunId}`, 'passed'],
    ],
  );
  // The same verdict from the stored run, without running again.
  const again = await runDlt(['tests', 'results', testId, '--fail-on-regression', '50', ...auth()]);
  assert.equal(again.code, 99, again.stderr);
});

test('dlt run: --junit with a case per check, --out json with the timeline, --fail-on-regression against --baseline', async () => {
  const script = join(dir, 'checks.js');
  await writeFile(
    script,
    `import http from 'k6/http';\nimport { check } from 'k6';\nexport const options = { vus: 1, iterations: 6, thresholds: { checks: ['rate>0.4'] } };\nexport default function () {\n  const res = http.get('${target.url}/slow');\n  check(res, { 'is 200': (r) => r.status === 200, 'says hello': (r) => r.body === 'hello' });\n}\n`,
  );
  const base = join(dir, 'local-base.json');
  const junit = join(dir, 'local.xml');
  const first = await runDlt(['run', script, '-q', '--junit', junit, '--out', `json=${base}`]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(
    (await validJunit(junit)).map((c) => [c.classname, c.name, c.outcome]),
    [
      ['dlt.run', 'run completes', 'passed'],
      ['dlt.thresholds', 'checks: rate>0.4', 'passed'],
      ['dlt.checks', 'is 200', 'passed'],
      ['dlt.checks', 'says hello', 'failure'],
    ],
  );
  const summary = JSON.parse(await readFile(base, 'utf8'));
  assert.equal(summary.totals.requests, 6);
  assert.ok(summary.timeline.length >= 1);

  slowMs = 400; // every sample of this run takes 400 ms or more
  const slower = await runDlt([
    'run',
    script,
    '-q',
    '--baseline',
    base,
    '--fail-on-regression',
    '50',
    '--junit',
    junit,
  ]);
  slowMs = 0;
  assert.equal(slower.code, 99, slower.stderr);
  assert.match(slower.stderr, /regression: p95 response time .* worse by more than 50%/);
  assert.deepEqual(junitViolations(await readFile(junit, 'utf8')), []);

  const refused = await runDlt(['run', script, '--fail-on-regression', 'ten']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--fail-on-regression: "ten" is not a percentage/);
  assert.match(refused.stderr, /needs --baseline FILE/);
});

test('CI flags are checked: --junit without --wait, a bad --out, exit 2', async () => {
  const r = await runDlt([
    'tests',
    'run',
    'T1',
    '--junit',
    'x.xml',
    '--out',
    'csv=x',
    '--server',
    'http://127.0.0.1:9',
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out: "csv=x" is not a known output/);
  assert.match(r.stderr, /--junit: needs --wait/);
});

test('tests run ID runs the stored test as it is: its healthy threshold is kept', async () => {
  const stored = await client.createScenario({
    testName: 'ci keeps settings',
    testDescription: 'run again by id',
    testType: 'simple',
    testTaskConfigs: [{ region: 'local', taskCount: 1, concurrency: 1 }],
    testScenario: {
      execution: [{ concurrency: 1, 'hold-for': '1s', scenario: 's' }],
      scenarios: { s: { 'think-time': '50ms', requests: [`${target.url}/ok`] } },
    },
    healthyThreshold: 40,
    saveOnly: true,
  });
  const r = await runDlt(['tests', 'run', stored.testId, '--wait', '-q', ...auth()]);
  assert.equal(r.code, 0, r.stderr);
  // The re-POST that runs it sent no healthyThreshold, so the server reset it to 90.
  assert.equal((await client.getScenario(stored.testId, { history: false })).healthyThreshold, 40);
});

test('a run the server refuses still leaves a JUnit file: one error case saying why, exit 1', async () => {
  const file = await testFile('ci-refused', '/ok', "  http_req_failed: ['rate<0.01']\n");
  const junit = join(dir, 'refused.xml');
  const r = await runDlt([
    'tests',
    'run',
    file,
    '--wait',
    '-q',
    '--junit',
    junit,
    '--server',
    server.url,
    '--token',
    'dlt_wrong',
  ]);
  assert.equal(r.code, 1, r.stderr);
  const cases = await validJunit(junit);
  assert.deepEqual(
    cases.map((c) => [c.classname, c.name, c.outcome]),
    [['dlt.run', 'run completes', 'error']],
  );
  assert.match(cases[0].message ?? '', /^run error: dlt tests run: .*\(401 UNAUTHORIZED\)$/);
});
