/**
 * `dlt run` with the script formats, as the real CLI process: a JMeter plan (with -J/-G
 * properties), a zip of a plan and its CSV, and k6 scripts, against a counting loopback target;
 * exit 0 when the thresholds hold, 99 when one is crossed, 2 for a script that cannot run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '@dlt/model';
import { runDlt, startTarget } from './helpers.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'scripts', 'test', 'fixtures');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlt-run-scripts-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const portOf = (url: string) => new URL(url).port;

test('dlt run plan.jmx with -J and -G properties: exit 0, the plan’s requests at the target, labels in the summary', async () => {
  await using target = await startTarget();
  const out = join(dir, 'jmx.json');
  const r = await runDlt([
    'run',
    join(fixtures, 'jmx', 'http-basics.jmx'),
    '-Jhost=127.0.0.1',
    '-G',
    `port=${portOf(target.url)}`,
    '-q',
    '--out',
    `json=${out}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(target.total(), 18);
  assert.equal(target.hits.get('/api/home'), 6);
  const s = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
  assert.equal(s.totals.requests, 18);
  assert.deepEqual(Object.keys(s.labels).sort(), ['create order', 'home', 'login']);
});

test('a seed-style definition running a plan: its execution sets the load, its thresholds decide the exit code', async () => {
  await using target = await startTarget();
  const props = ['-Jhost=127.0.0.1', `-Jport=${portOf(target.url)}`, '-q'];
  const out = join(dir, 'seed.json');
  const held = await runDlt(['run', join(fixtures, 'jmx', 'seed-jmeter-test.json'), ...props, '--out', `json=${out}`]);
  assert.equal(held.code, 0, held.stderr);
  const s = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
  assert.equal(s.totals.requests, target.total());
  assert.ok(target.total() > 18, `${target.total()} requests: 2 users for 1 s, not the plan's 2 × 3 loops`);
  assert.deepEqual(Object.keys(s.thresholds ?? {}).sort(), [
    'http_req_duration{label:home}: p(95)<5000',
    'http_req_failed: rate<0.01',
  ]);
  const before = target.total();
  const crossed = await runDlt(['run', join(fixtures, 'jmx', 'seed-jmeter-test-crossed.yaml'), ...props]);
  assert.equal(crossed.code, 99, crossed.stderr);
  assert.equal(
    target.total() - before,
    18,
    'no load in the execution: the plan’s own (2 threads × 3 loops × 3 samplers)',
  );
});

test('dlt run plan.jmx -c 1 -i 2: the command line replaces the plan’s load, with k6’s meaning', async () => {
  await using target = await startTarget();
  const r = await runDlt([
    'run',
    join(fixtures, 'jmx', 'http-basics.jmx'),
    '-Jhost=127.0.0.1',
    `-Jport=${portOf(target.url)}`,
    '-c',
    '1',
    '-i',
    '2',
    '-q',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(target.total(), 6, '2 iterations of the 3 samplers, not 2 threads × 3 loops');
});

test('dlt run bundle.zip: the plan and its CSV files from the zip', async () => {
  await using target = await startTarget();
  const r = await runDlt([
    'run',
    join(fixtures, 'bundle', 'plan-with-csv.zip'),
    '-J',
    'host=127.0.0.1',
    '-J',
    `port=${portOf(target.url)}`,
    '-q',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(target.hits.get('/read'), 5);
});

test('dlt run bundle.zip with a k6 script: its local module and data file come from the zip', async () => {
  await using target = await startTarget();
  const r = await runDlt([
    'run',
    join(fixtures, 'bundle', 'k6-script-with-data.zip'),
    '-e',
    `BASE=${target.url}`,
    '-q',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([...target.hits.keys()].sort(), ['/user/ann', '/user/bob', '/user/cy']);
});

test('dlt run script.js: exit 0 when its thresholds hold, 99 when checks fail them', async () => {
  await using target = await startTarget((req, res) => {
    if (req.url === '/missing') res.writeHead(404);
    res.end('body');
  });
  const script = join(fixtures, 'k6', 'checks-thresholds.js');
  const ok = await runDlt(['run', script, '-e', `BASE=${target.url}`, '-e', 'WHERE=fine', '-q']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(target.hits.get('/fine'), 5);
  const out = join(dir, 'k6.json');
  const bad = await runDlt(['run', script, '-e', `BASE=${target.url}`, '-e', 'WHERE=missing', '--out', `json=${out}`]);
  assert.equal(bad.code, 99, bad.stderr);
  assert.equal(target.hits.get('/missing'), 5);
  const s = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
  assert.equal(s.totals.requests, 5);
  assert.match(bad.stdout + bad.stderr, /checks/);
});

test('a script that cannot run exits 2 before any request, naming what and where', async () => {
  await using target = await startTarget();
  const jmx = await runDlt(['run', join(fixtures, 'jmx', 'unsupported-element.jmx'), '-Jhost=127.0.0.1', '-Jport=1']);
  assert.equal(jmx.code, 2);
  assert.match(
    jmx.stderr,
    /BeanShellSampler "calc": line 1: "return 1": only if\/else and statements that call, declare or assign/,
  );
  assert.match(jmx.stderr, /ThreadGroup "Users" > JSR223PostProcessor "groovy"/);
  const k6 = await runDlt(['run', join(fixtures, 'k6', 'unsupported-module.js'), '-e', `BASE=${target.url}`]);
  assert.equal(k6.code, 2);
  assert.match(k6.stderr, /unsupported-module\.js:2 k6\/ws: WebSockets are not supported yet/);
  const bad = await runDlt(['run', join(fixtures, 'jmx', 'functions.jmx'), '-J', 'novalue']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--property: "novalue" is not of the form NAME=VALUE/);
  assert.equal(target.total(), 0);
});

test('a k6 iteration that never waits is stopped with a clear error and the run still ends', async () => {
  await using target = await startTarget();
  const r = await runDlt(['run', join(fixtures, 'k6', 'endless-loop.js'), '-e', `BASE=${target.url}`, '-q'], {
    timeoutMs: 30_000,
  });
  assert.notEqual(r.code, null, 'the process ended on its own');
  assert.equal(target.hits.get('/before'), 1);
  assert.match(
    r.stderr,
    /ran for more than 2 s without waiting on a request or a sleep; stopped at .*endless-loop\.js:12/,
  );
});
