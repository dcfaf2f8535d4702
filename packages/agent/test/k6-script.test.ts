/**
 * k6 scripts on the real engine: setup/teardown data, checks, custom metrics, batches in
 * parallel, groups and helpers made asynchronous, open() and SharedArray, errors counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture, K6Target, runFixture } from './k6-kit.ts';

test('setup runs once, its data reaches every iteration and teardown', async () => {
  await using target = await K6Target.start({
    '/login': (req, res) => res.end(JSON.stringify({ token: `t-${JSON.parse(req.body).user}` })),
  });
  const r = await runFixture('setup-teardown.js', target);
  assert.equal(target.at('/login').length, 1);
  const orders = target.at('/orders');
  assert.equal(orders.length, 4);
  assert.ok(orders.every((o) => o.headers.authorization === 'Bearer t-ann'));
  const logout = target.at('/logout');
  assert.equal(logout.length, 1);
  assert.equal(logout[0].query.get('token'), 't-ann');
  assert.equal(logout[0].query.get('n'), '3');
  assert.equal(r.totals.requests, 6, 'setup and teardown requests are measured too');
  assert.equal(r.iterations.iterations, 4);
});

test('checks are counted per name', async () => {
  await using target = await K6Target.start({ '/missing': (_r, res) => res.writeHead(404).end('no') });
  const r = await runFixture('checks-thresholds.js', target, { env: { WHERE: 'missing' } });
  assert.deepEqual(r.checks, { 'is 200': { passes: 0, fails: 5 }, 'has body': { passes: 5, fails: 0 } });
});

test('custom metrics are recorded and their thresholds parse', async () => {
  await using target = await K6Target.start();
  const compiled = await compileFixture('custom-metrics.js', target.base);
  assert.deepEqual(
    compiled.thresholds.map((t) => t.key),
    ['orders', 'served', 'server_wait', 'basket_size', 'quiet'],
  );
  const r = await runFixture('custom-metrics.js', target);
  assert.deepEqual(r.metrics?.orders, { type: 'counter', count: 8 });
  assert.deepEqual(r.metrics?.served, { type: 'rate', matches: 3, total: 4 });
  const basket = r.metrics?.basket_size;
  assert.ok(basket?.type === 'gauge' && basket.value === 3 && basket.min === 0 && basket.max === 3);
  assert.equal(r.metrics?.server_wait?.type, 'trend');
});

test('http.batch sends its requests in parallel and returns them in order', async () => {
  await using target = await K6Target.start(
    Object.fromEntries(
      ['a', 'b', 'c', 'd', 'e'].map((k) => [`/slow/${k}`, (_r, res) => setTimeout(() => res.end(k), 100)]),
    ),
  );
  const r = await runFixture('batch.js', target);
  assert.equal(target.maxInFlight, 3);
  assert.equal(target.at('/slow/c')[0].method, 'POST');
  const after = target.at('/after')[0];
  assert.equal(after.query.get('one'), '200');
  assert.equal(after.query.get('two'), '200');
  assert.deepEqual(r.checks, { 'all three': { passes: 1, fails: 0 } });
});

test('groups, class methods, forEach/map callbacks and callbacks passed around all wait', async () => {
  let flaky = 0;
  await using target = await K6Target.start({
    '/flaky': (_r, res) => res.writeHead(++flaky < 3 ? 503 : 200).end(),
  });
  await runFixture('groups-and-helpers.js', target);
  assert.deepEqual(
    target.received.map((r) => r.path),
    ['/step/1', '/step/2', '/step/3', '/step/4', '/step/5', '/flaky', '/flaky', '/flaky', '/step/6'],
  );
  const last = target.at('/step/6')[0];
  assert.equal(last.query.get('pages'), '200,200');
  assert.equal(last.query.get('flaky'), '200');
});

test('open() reads files next to the script; SharedArray gives frozen rows', async () => {
  await using target = await K6Target.start();
  await runFixture('open-shared-array.js', target);
  assert.deepEqual(
    target.at('/user').map((r) => JSON.parse(r.body)),
    ['ann', 'bob', 'cy'].map((name) => ({ name, banner: 'hello from a file', frozen: true })),
  );
});

test('an exception in an iteration is counted and the VU goes on', async () => {
  await using target = await K6Target.start();
  const r = await runFixture('throws.js', target);
  assert.equal(target.at('/first').length, 3);
  assert.equal(target.at('/second').length, 2);
  assert.equal(r.iterations.iterations, 3);
});

test('an iteration that computes without ever waiting is stopped after its 2 s budget', async () => {
  await using target = await K6Target.start();
  const started = performance.now();
  const r = await runFixture('endless-loop.js', target);
  const took = performance.now() - started;
  assert.equal(target.at('/before').length, 1);
  assert.ok(took >= 2_000 && took < 20_000, `stopped after ${took} ms`);
  assert.equal(r.iterations.iterations + r.iterations.interruptedIterations, 1);
});

test('http.file in an object body makes a multipart/form-data upload', async () => {
  await using target = await K6Target.start();
  await runFixture('upload-file.js', target);
  const upload = target.at('/upload')[0];
  const type = upload.headers['content-type'] ?? '';
  const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(type)?.[1];
  assert.ok(boundary, type);
  assert.equal(
    upload.body,
    [
      `--${boundary}`,
      'Content-Disposition: form-data; name="note"',
      '',
      'héllo',
      `--${boundary}`,
      'Content-Disposition: form-data; name="users"; filename="users.csv"',
      'Content-Type: text/csv',
      '',
      'name,city\nann,"Paris, FR"\nbob,Lyon\ncy,"Say ""hi"""\n',
      `--${boundary}`,
      'Content-Disposition: form-data; name="banner"; filename="banner.bin"',
      'Content-Type: application/octet-stream',
      '',
      'hello from a file\n',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
});

test('res.html() and parseHTML select from a page as k6 does (find, attr, text, map, eq, val, parent, closest)', async () => {
  await using target = await K6Target.start({
    '/login': (r, res) =>
      res.end(
        r.method === 'GET'
          ? `<html><body><h1>Sign <b>in</b></h1><form><input name="csrf" value="tok-7">
             <select name="country"><option value="fr">France</option><option value="de" selected>Germany</option></select>
             <textarea>hello</textarea></form>
             <ul class="items"><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul></body></html>`
          : 'ok',
      ),
  });
  await runFixture('html-form.js', target);
  const posted = new URLSearchParams(target.at('/login').find((r) => r.method === 'POST')?.body);
  assert.deepEqual(Object.fromEntries(posted), {
    csrf: 'tok-7',
    title: 'Sign in',
    links: '/a,/b',
    second: 'B',
    count: '2',
    country: 'de',
    note: 'hello',
    parent: 'li',
    missing: 'fallback',
    closest: 'items',
  });
});

test('http.cookieJar(): cookies set by the script are sent, read back with the server’s, and deleted', async () => {
  await using target = await K6Target.start({
    '/one': (_r, res) => res.writeHead(200, { 'set-cookie': 'srv=1; Path=/' }).end(),
  });
  await runFixture('cookie-jar.js', target);
  assert.equal(target.at('/one')[0].headers.cookie, 'session=abc');
  const two = target.at('/two')[0];
  assert.equal(two.headers.cookie, 'srv=1');
  assert.deepEqual(JSON.parse(two.query.get('seen') ?? ''), { session: ['abc'], srv: ['1'] });
});

test('http.expectedStatuses with setResponseCallback and a per-request responseCallback decide what fails', async () => {
  await using target = await K6Target.start({
    '/missing': (_r, res) => res.writeHead(404).end(),
    '/broken': (_r, res) => res.writeHead(500).end(),
  });
  const r = await runFixture('expected-statuses.js', target);
  assert.deepEqual(Object.fromEntries(Object.entries(r.labels).map(([k, v]) => [k, v.failures])), {
    'expected 404': 0,
    'want 201': 1,
    'a 500': 1,
    'plain 200': 0,
  });
});
