/**
 * The Locust front-end as data: which definitions are Locust tests, the `ExternalRun` each
 * execution becomes (users, spawn rate, run time, host, file), and every problem located.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DltError } from '@dlt/model';
import { loadTestFile } from '../compile.ts';
import { compileLocustDefinition, isLocustDefinition, loadLocustFile } from './locust.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlt-locust-unit-'));
  await writeFile(join(dir, 'locustfile.py'), 'from locust import HttpUser\n');
});
after(() => rm(dir, { recursive: true, force: true }));

const definition = (item: Record<string, unknown>, scenario: Record<string, unknown> = {}) => ({
  execution: [{ scenario: 'shop', ...item }],
  scenarios: { shop: { script: 'locustfile.py', ...scenario } },
});

test('which definitions are Locust tests', () => {
  assert.equal(isLocustDefinition(definition({})), true);
  assert.equal(isLocustDefinition({ execution: [{ executor: 'locust' }], scenarios: {} }), true);
  assert.equal(isLocustDefinition({ execution: [{}], scenarios: { a: { requests: ['http://x/'] } } }), false);
  assert.equal(isLocustDefinition({ execution: [{}], scenarios: { a: { script: 'plan.jmx' } } }), false);
  assert.equal(isLocustDefinition('nope'), false);
});

test('an execution becomes a headless Locust run: users, spawn rate over the ramp-up, run time, host', () => {
  const r = compileLocustDefinition(
    {
      ...definition(
        {
          executor: 'locust',
          concurrency: 10,
          'ramp-up': '5s',
          'hold-for': '1m',
          'start-time': '2s',
          'graceful-stop': '3s',
        },
        { 'default-address': 'http://127.0.0.1:8080' },
      ),
      thresholds: { http_req_failed: ['rate<0.01'] },
    },
    { source: 'x.yaml', baseDir: dir, env: { A: '1' } },
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  assert.deepEqual(r.test.executors, []);
  assert.equal(r.test.thresholds.length, 1);
  assert.deepEqual(r.test.external, [
    {
      tool: 'locust',
      name: 'shop',
      file: join(dir, 'locustfile.py'),
      host: 'http://127.0.0.1:8080',
      users: 10,
      spawnRate: 2,
      runTimeMs: 65_000,
      startTimeMs: 2_000,
      stopTimeoutMs: 3_000,
      userClasses: [],
      env: { A: '1' },
    },
  ]);
});

test('overrides: -c users, -d run time (all spawned at once), --url host', () => {
  const r = compileLocustDefinition(definition({ concurrency: 10, 'ramp-up': '5s', 'hold-for': '1m' }), {
    source: 'x.yaml',
    baseDir: dir,
    overrides: { vus: 3, duration: '20s', url: 'http://127.0.0.1:9' },
  });
  assert.ok(r.ok);
  const [run] = r.test.external ?? [];
  assert.deepEqual([run.users, run.spawnRate, run.runTimeMs, run.host], [3, 3, 20_000, 'http://127.0.0.1:9']);
});

test('what a Locust execution cannot do is a problem at its field; scenario settings for requests warn', () => {
  const problems = (raw: unknown, overrides = {}) => {
    const r = compileLocustDefinition(raw, { source: 'x.yaml', baseDir: dir, overrides });
    return r.ok
      ? []
      : r.problems.map((p) => ('path' in p ? `${p.path.join('.')}: ${p.message}` : `${p.field}: ${p.message}`));
  };
  assert.deepEqual(problems(definition({ iterations: 3, 'hold-for': '1s' })), [
    'execution.0.iterations: not supported by the Locust executor',
  ]);
  assert.deepEqual(problems(definition({ concurrency: 2 })), [
    'execution.0.hold-for: a Locust execution needs hold-for or ramp-up: Locust runs until stopped',
  ]);
  assert.match(problems(definition({ executor: 'constant-vus', vus: 1, duration: '1s' }))[0], /runs executor: locust/);
  assert.deepEqual(problems(definition({ 'hold-for': '1s' }), { iterations: 5 }), [
    '--iterations: Locust runs for a time, not a number of iterations',
  ]);
  assert.deepEqual(
    problems({
      execution: [{ executor: 'locust', 'hold-for': '1s', scenario: 'api' }],
      scenarios: { api: { requests: ['http://127.0.0.1/'] } },
    }),
    ['scenarios.api.requests: a Locust execution runs a scenario whose script is a .py locustfile'],
  );
  assert.deepEqual(problems(definition({ 'hold-for': '1s' }, { script: 'absent.py' })), [
    `execution.0: cannot read the locustfile ${join(dir, 'absent.py')}`,
  ]);
  const warned = compileLocustDefinition(
    definition({ 'hold-for': '1s' }, { headers: { A: 'b' }, 'think-time': '1s' }),
    {
      source: 'x.yaml',
      baseDir: dir,
    },
  );
  assert.ok(warned.ok);
  assert.deepEqual(warned.test.warnings, [
    'x.yaml: scenarios.shop.headers does not apply to a locustfile; set it there',
    'x.yaml: scenarios.shop.think-time does not apply to a locustfile; set it there',
  ]);
});

test('a YAML file: the script is relative to the file, problems carry their line', async () => {
  const yaml = join(dir, 'locust.yaml');
  await writeFile(
    yaml,
    'execution:\n  - executor: locust\n    concurrency: 2\n    iterations: 4\n    hold-for: 1s\nscenarios:\n  shop:\n    script: locustfile.py\n',
  );
  await assert.rejects(loadTestFile(yaml), (e: unknown) => {
    assert.ok(DltError.is(e));
    assert.deepEqual(
      e.problems.map((p) => [p.line, p.field]),
      [[4, 'execution[0].iterations']],
    );
    return true;
  });
  await writeFile(
    yaml,
    'execution:\n  - executor: locust\n    hold-for: 1s\nscenarios:\n  shop:\n    script: locustfile.py\n',
  );
  const test = await loadTestFile(yaml);
  assert.equal(test.external?.[0].file, join(dir, 'locustfile.py'));
});

test('a locustfile alone needs a run time, and takes -c and --url', () => {
  const file = join(dir, 'locustfile.py');
  assert.throws(() => loadLocustFile(file, { source: file }), /needs a run time/);
  const t = loadLocustFile(file, { source: file, overrides: { vus: 4, duration: '10s', url: 'http://127.0.0.1:1' } });
  const [run] = t.external ?? [];
  assert.deepEqual([run.users, run.spawnRate, run.runTimeMs, run.host], [4, 4, 10_000, 'http://127.0.0.1:1']);
  assert.throws(() => loadLocustFile(join(dir, 'none.py'), { source: 'none.py' }), /cannot read the file: ENOENT/);
  assert.throws(
    () => loadLocustFile(file, { source: file, overrides: { duration: '1s', url: '10' } }),
    /--url: "10" is not an http\(s\) URL \(the users are -c\/--vus\)/,
  );
});
