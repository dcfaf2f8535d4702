/**
 * JMeter thread groups and managers on the real engine (setUp/tearDown order, on-error actions,
 * the scheduler, the Concurrency, Ultimate and Arrivals plugin groups; cookies, cache, auth,
 * files, redirects, timeouts), a plan as JMeter 5 saves it, a zip with its CSV, and the plans
 * refused before any request is sent.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileSource } from '../src/test-source.ts';
import { byLabel, jmxFixtures, runPlan, Target } from './jmx-kit.ts';

const bundles = join(jmxFixtures, '../bundle');

async function compiled(file: string, target: Target) {
  const path = file.includes('/') ? file : join(jmxFixtures, file);
  const properties = { host: '127.0.0.1', port: String(target.port) };
  return compileSource({ kind: 'file', path, load: { properties } });
}

test('setup-teardown.jmx: the setUp group runs before the others, the tearDown group after', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan('setup-teardown.jmx', target);
  assert.deepEqual(
    target.received.map((r) => `${r.method} ${r.path}`),
    ['POST /setup', 'GET /main', 'GET /main', 'GET /main', 'GET /main', 'DELETE /teardown'],
  );
});

test('stop-thread-on-error.jmx: a failed sample stops its thread', async (t) => {
  const target = await Target.start({ '/missing': (_r, res) => res.writeHead(404).end() });
  t.after(() => target.close());
  const labels = byLabel(await runPlan('stop-thread-on-error.jmx', target));
  assert.deepEqual(
    target.received.map((r) => r.path),
    ['/ok', '/missing'],
  );
  assert.equal(labels.broken.failures, 1);
});

test('scheduler-duration.jmx: endless loops end with the scheduler; a uniform random timer paces them', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  const test = await compiled('scheduler-duration.jmx', target);
  assert.equal(test.executors[0].executor, 'constant-vus');
  await runPlan('scheduler-duration.jmx', target);
  const n = target.at('/tick').length;
  // 2 threads for 1 s, each waiting 40–60 ms before each request.
  assert.ok(n >= 10 && n <= 52, `${n} requests`);
});

test('plugin thread groups: Concurrency, Ultimate and Arrivals map onto executors and run their load', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  const concurrency = await compiled('concurrency-thread-group.jmx', target);
  assert.equal(concurrency.executors[0].executor, 'ramping-vus');
  await runPlan('concurrency-thread-group.jmx', target);
  assert.equal(target.at('/concurrency').length, 6, '3 threads × 2 iterations');

  const ultimate = await compiled('ultimate-thread-group.jmx', target);
  const u = ultimate.executors[0];
  assert.ok(u.executor === 'ramping-vus');
  assert.deepEqual(
    u.stages.filter((s) => s.durationMs > 0).map((s) => s.target),
    [2, 3],
  );
  await runPlan('ultimate-thread-group.jmx', target);
  const un = target.at('/ultimate').length;
  assert.ok(un >= 10 && un <= 30, `${un} requests from 2 threads for 1 s and 1 more for 0.5 s, 100 ms apart`);

  const arrivals = await compiled('arrivals-thread-group.jmx', target);
  const a = arrivals.executors[0];
  assert.ok(a.executor === 'ramping-arrival-rate');
  assert.equal(a.maxVus, 5);
  await runPlan('arrivals-thread-group.jmx', target);
  const an = target.at('/arrivals').length;
  assert.ok(an >= 15 && an <= 21, `${an} arrivals at 20/s for 1 s`);
});

test('stepping-thread-group.jmx: a burst, steps up every period, a flight time, steps down', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  const test = await compiled('stepping-thread-group.jmx', target);
  const e = test.executors[0];
  assert.ok(e.executor === 'ramping-vus');
  assert.deepEqual(
    e.stages.map((s) => [s.durationMs, s.target]),
    [
      [0, 0],
      [0, 1],
      [250, 1],
      [0, 2],
      [250, 2],
      [0, 3],
      [250, 3],
      [0, 4],
      [500, 4],
      [0, 2],
      [250, 2],
      [0, 0],
      [250, 0],
    ],
  );
  await runPlan('stepping-thread-group.jmx', target);
  const threads = new Set(target.at('/step').map((r) => r.query.get('thread')));
  assert.deepEqual([...threads].sort(), ['1', '2', '3', '4']);
});

test('managers.jmx: cookies (the manager’s own and the server’s) kept and cleared each iteration, Basic auth by URL, a file upload, redirects followed, a timeout; the cache manager warns', async (t) => {
  const target = await Target.start({
    '/login': (_r, res) => res.writeHead(200, { 'set-cookie': 'sid=42; Path=/' }).end(),
    '/redirect': (_r, res) => res.writeHead(302, { location: '/landing' }).end(),
    '/stall': () => {},
  });
  t.after(() => target.close());
  const test = await compiled('managers.jmx', target);
  assert.ok(
    test.warnings.some((w) => /CacheManager "cache".*no-op/.test(w)),
    test.warnings.join('\n'),
  );
  const labels = byLabel(await runPlan('managers.jmx', target));
  assert.deepEqual(
    target.at('/login').map((r) => r.headers.cookie),
    ['lang=fr-1', 'lang=fr-1'],
    'cleared each iteration but for the manager’s own cookie',
  );
  for (const r of target.at('/account')) {
    assert.deepEqual(r.headers.cookie?.split('; ').sort(), ['lang=fr-1', 'sid=42']);
  }
  const basic = `Basic ${Buffer.from('ann:s3cret').toString('base64')}`;
  assert.deepEqual(
    target.at('/secure/data').map((r) => r.headers.authorization),
    [basic, basic],
  );
  assert.equal(target.at('/open')[0].headers.authorization, undefined, 'only under the manager URL');
  const upload = target.at('/upload')[0];
  assert.match(upload.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
  assert.match(upload.body, /name="note"\r\n\r\nhi\r\n/);
  assert.match(
    upload.body,
    /name="upload"; filename="users.csv"\r\nContent-Type: text\/csv\r\n\r\nalice,admin\nbob,user\ncarol,user/,
  );
  assert.equal(target.at('/landing').length, 2, 'the redirect was followed');
  assert.deepEqual(labels.timeout, { requests: 2, failures: 2, errors: { timeout: 2 } });
});

test('jmeter5-web-shop.jmx: a plan as JMeter 5.6 saves it (listeners, PerfMon, DNS cache, debug sampler and post-processor, Poisson timer, disabled sampler) runs; values flow from login to cart', async (t) => {
  const target = await Target.start({
    '/api/v1/login': (r, res) => res.end(JSON.stringify({ token: `tk-${JSON.parse(r.body).username}` })),
    '/api/v1/products': (_r, res) => res.end(JSON.stringify({ products: [{ id: 42 }, { id: 43 }] })),
    '/api/v1/cart': (_r, res) => res.writeHead(201).end(),
  });
  t.after(() => target.close());
  const test = await compiled('jmeter5-web-shop.jmx', target);
  const warnings = test.warnings.join('\n');
  assert.match(warnings, /CacheManager "HTTP Cache Manager"/);
  assert.match(warnings, /Debug Sampler/);
  assert.doesNotMatch(
    warnings,
    /Collector|Summary Report|PerfMon|DebugPostProcessor/,
    'listeners are left out silently',
  );
  const result = await runPlan('jmeter5-web-shop.jmx', target);
  const logins = target.at('/api/v1/login');
  assert.equal(logins.length, 6, '3 users × 2 loops');
  assert.deepEqual(logins.map((r) => JSON.parse(r.body).username).sort(), [
    'alice',
    'alice',
    'bob',
    'bob',
    'carol',
    'carol',
  ]);
  assert.ok(logins.every((r) => r.headers['content-type'] === 'application/json'));
  const products = target.at('/api/v1/products');
  assert.equal(products.length, 6);
  assert.ok(products.every((r) => /^Bearer tk-(alice|bob|carol)$/.test(r.headers.authorization ?? '')));
  assert.ok(products.every((r) => r.query.get('page') === '1'));
  const carts = target.at('/api/v1/cart');
  assert.equal(carts.length, 6);
  assert.ok(carts.every((r) => r.method === 'POST' && JSON.parse(r.body).product === 42));
  assert.equal(target.at('/api/v1/debug').length, 0);
  assert.deepEqual(Object.keys(result.labels).sort(), ['GET /products', 'Log in', 'POST /cart', 'POST /login']);
  assert.equal(result.totals.failures, 0);
  await runPlan('jmeter5-web-shop.jmx', target, { properties: { users: '1', loops: '1' } });
  assert.equal(target.at('/api/v1/login').length, 7, '-J users=1 loops=1 changes the load');
});

test('plan-with-csv.zip: the plan and its CSV files from a zip, paths resolved inside it', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan(join(bundles, 'plan-with-csv.zip'), target);
  assert.deepEqual(
    target.at('/read').map((r) => `${r.query.get('user')} ${r.query.get('city')}`),
    ['alice Paris, FR', 'bob Lyon', 'carol Paris, FR', '<EOF> Lyon', '<EOF> Paris, FR'],
  );
});

test('refused before any request, naming the element type, name and path in the tree', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  const refusal = async (file: string) => {
    const err = await compiled(file, target).then(
      () => assert.fail(`${file} compiled`),
      (e: Error) => e,
    );
    return err.message;
  };
  const unsupported = await refusal('unsupported-element.jmx');
  assert.match(unsupported, /3 problems/);
  assert.match(
    unsupported,
    /ThreadGroup "Users" > LoopController > BeanShellSampler "calc": line 1: "return 1": only if\/else and statements that call, declare or assign are supported/,
  );
  assert.match(unsupported, /HTTPSamplerProxy "fine": function __BeanShell is not supported/);
  assert.match(
    unsupported,
    /ThreadGroup "Users" > JSR223PostProcessor "groovy": line 1: creating objects \(new File\) is not supported/,
  );
  assert.match(await refusal('loops-forever.jmx'), /ThreadGroup "Endless": loops forever and has no duration/);
  assert.match(await refusal('entity-expansion.jmx'), /DOCTYPE or entities, which are refused/);
  assert.match(await refusal('xxe-external-entity.jmx'), /DOCTYPE or entities, which are refused/);
  assert.match(await refusal('deep-nesting.jmx'), /nests deeper than 400 levels/);
  assert.match(await refusal(join(bundles, 'traversal.zip')), /\.\.\/\.\.\/outside\.csv: the entry name climbs out/);
  // A plan over 20 MB (made here, not kept as a fixture) is refused before it is read.
  const dir = await mkdtemp(join(tmpdir(), 'dlt-huge-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const huge = join(dir, 'huge.jmx');
  await writeFile(huge, `<jmeterTestPlan>${' '.repeat(21 * 1024 * 1024)}</jmeterTestPlan>`);
  assert.match(await refusal(huge), /the plan is larger than 20971520 bytes/);
  assert.equal(target.received.length, 0);
});

test('ramp-up-and-delay.jmx: threads start spread over the ramp-up; a scheduler delay holds a group back, its duration ends it', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  const started = performance.now();
  await runPlan('ramp-up-and-delay.jmx', target);
  const ramp = target.at('/ramp').sort((a, b) => a.at - b.at);
  assert.deepEqual(
    ramp.map((r) => r.query.get('t')),
    ['1', '2', '3'],
  );
  // 3 threads over 0.6 s: one every 0.2 s.
  assert.ok(ramp[2].at - ramp[0].at >= 350, `threads started ${ramp[2].at - ramp[0].at} ms apart`);
  const delayed = target.at('/delayed');
  assert.ok(delayed[0].at - started >= 500, 'not before its 0.5 s delay');
  assert.ok(delayed.length >= 3 && delayed.length <= 10, `${delayed.length} requests in 1 s, 100 ms apart`);
});
