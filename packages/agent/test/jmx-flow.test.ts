/**
 * JMeter plans on the real engine, what the loopback target receives: extracted values carried
 * into later requests, every controller, the functions, CSV rows in order, timers' pacing and
 * assertions failing the right samples.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileSource } from '../src/test-source.ts';
import { byLabel, jmxFixtures, runPlan, Target } from './jmx-kit.ts';

test('extract-and-carry.jmx: JSON, regex (headers), boundary and CSS extractors feed later requests; If, Loop, While, Once Only, Transaction', async (t) => {
  let polls = 0;
  const target = await Target.start({
    '/login': (r, res) =>
      res
        .writeHead(200, { 'X-Session': `s${r.body.slice(-1)}`, 'content-type': 'application/json' })
        .end(JSON.stringify({ token: `tok-${r.body}`, items: [{ id: 7 }, { id: 8 }], note: '<b>hi there</b>' })),
    '/profile': (_r, res) => res.end('<html><a class="next" href="/next/page">more</a></html>'),
    '/poll': (_r, res) => res.end(++polls % 3 === 0 ? 'state=done' : 'state=busy'),
  });
  t.after(() => target.close());
  const result = await runPlan('extract-and-carry.jmx', target);
  const profiles = target.at('/profile');
  assert.equal(profiles.length, 4);
  for (const p of profiles) {
    assert.match(p.headers.authorization ?? '', /^Bearer tok-user=u[12]$/);
    assert.match(p.query.get('session') ?? '', /^s[12]$/);
    assert.equal(p.query.get('first'), '7');
    assert.equal(p.query.get('ids'), '2:8', '$..id matched twice; the second is 8');
    assert.equal(p.query.get('greet'), 'hi there');
  }
  assert.equal(target.at('/next/page').length, 4, 'the CSS extractor took the link');
  assert.equal(target.at('/if').length, 4);
  assert.equal(target.at('/never').length, 0);
  const loops = target.at('/loop').map((r) => Number(r.query.get('n')));
  assert.equal(loops.length, 12);
  assert.deepEqual(
    loops.sort((a, b) => a - b),
    [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
    'a per-thread counter goes on across iterations',
  );
  assert.equal(target.at('/once').length, 2, 'once per thread');
  assert.ok(polls >= 3, 'the While loop polled until done');
  const labels = byLabel(result);
  assert.equal(labels['checkout flow']?.requests, 4, 'a transaction is a label of its own');
  assert.equal(result.totals.failures, 0);
});

test('controllers.jmx: Simple, Random, Random Order, Interleave, Throughput, Switch, ForEach, Runtime; a disabled controller is skipped', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan('controllers.jmx', target);
  const n = (path: string) => target.at(path).length;
  assert.deepEqual([n('/simple/a'), n('/simple/b')], [4, 4]);
  assert.equal(n('/random/a') + n('/random/b'), 4, 'one child per pass');
  assert.deepEqual([n('/order/a'), n('/order/b')], [4, 4]);
  assert.deepEqual([n('/inter/a'), n('/inter/b')], [2, 2]);
  assert.equal(n('/half'), 2, '50 % of 4 passes');
  assert.equal(n('/first-only'), 1, 'total executions 1');
  assert.deepEqual([n('/switch/pay'), n('/switch/browse')], [4, 0]);
  assert.deepEqual(
    target.at('/each').map((r) => r.query.get('v')),
    ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'],
  );
  assert.ok(n('/runtime') >= 4 && n('/runtime') <= 16, `${n('/runtime')} runtime passes`);
  assert.equal(n('/disabled'), 0);
});

test('functions.jmx: __P/__property with -J/-G properties, __Random, __RandomString, __time, __UUID, __counter, __threadNum, __V, __urlencode, __base64Encode, __jexl3', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  const before = Date.now();
  await runPlan('functions.jmx', target, { properties: { env: 'staging', base: '/from-property' } });
  const calls = target.at('/fn');
  assert.equal(calls.length, 4);
  for (const c of calls) {
    const q = Object.fromEntries(c.query);
    assert.equal(q.p, 'staging', '__P reads a property');
    assert.equal(q.prop, 'eu', '__property falls back to its default');
    assert.equal(q.rnd, '5');
    assert.equal(q.reuse, q.stored, 'a function stores its value in the named variable');
    assert.match(q.rs, /^[ab]{6}$/);
    assert.ok(Number(q.now) >= before && Number(q.now) <= Date.now());
    assert.equal(q.year, String(new Date().getFullYear()));
    assert.match(q.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(q.v, 'two', '__V evaluates a nested name');
    assert.equal(q.enc, 'a+b%26c');
    assert.equal(q.b64, Buffer.from('user:pw').toString('base64'));
    assert.equal(q.cond, q.thread === '1' ? 'true' : 'false');
    assert.equal(q.udv, '/from-property', 'user-defined variables see properties');
  }
  assert.deepEqual(
    calls.map((c) => Number(c.query.get('global'))).sort(),
    [1, 2, 3, 4],
    'a counter shared by all threads',
  );
  for (const thread of ['1', '2']) {
    const mine = calls.filter((c) => c.query.get('thread') === thread).map((c) => c.query.get('mine'));
    assert.deepEqual(mine, ['1', '2'], `thread ${thread} counts on its own`);
  }
  assert.equal(new Set(calls.map((c) => c.query.get('uuid'))).size, 4);
});

test('csv-data-set.jmx: rows in order; <EOF> without recycle, wrap-around with it; quoted fields and a header line', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan('csv-data-set.jmx', target);
  assert.deepEqual(
    target.at('/read').map((r) => [r.query.get('user'), r.query.get('role'), r.query.get('city'), r.query.get('zip')]),
    [
      ['alice', 'admin', 'Paris, FR', '75001'],
      ['bob', 'user', 'Lyon', '69001'],
      ['carol', 'user', 'Paris, FR', '75001'],
      ['<EOF>', '<EOF>', 'Lyon', '69001'],
      ['<EOF>', '<EOF>', 'Paris, FR', '75001'],
    ],
  );
});

test('csv-stop-thread.jmx: the thread stops when its rows run out', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan('csv-stop-thread.jmx', target);
  assert.deepEqual(
    target.at('/read').map((r) => r.query.get('user')),
    ['alice', 'bob', 'carol'],
  );
});

test('assertions.jmx: Response (contains, not, equals code, or), Duration, Size and JSON assertions fail exactly their samples', async (t) => {
  const answers: Record<string, string> = { welcome: 'welcome home', denied: 'access denied', fine: 'all good' };
  const target = await Target.start({
    '/text': (r, res) => res.end(answers[r.query.get('say') ?? ''] ?? r.query.get('say')),
    '/slow': (_r, res) => setTimeout(() => res.end('late'), 150),
    '/json': (_r, res) => res.end('{"status":"ok"}'),
    '/missing': (_r, res) => res.writeHead(404).end('no'),
  });
  t.after(() => target.close());
  const labels = byLabel(await runPlan('assertions.jmx', target));
  const failures = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, [v.requests, v.failures]]));
  assert.deepEqual(failures, {
    welcome: [2, 0],
    denied: [2, 2],
    'not error': [2, 0],
    'code equals': [2, 2],
    either: [2, 0],
    slow: [2, 2],
    small: [2, 0],
    'json ok': [2, 0],
    'json bad': [2, 2],
    missing: [2, 2],
  });
  assert.equal(labels.denied.errors.assertion, 2, 'an assertion failure is its own error kind');
  assert.equal(target.received.length, 20);
});

test('constant-timer.jmx and timers.jmx: constant, Gaussian and Constant Throughput timers pace the samplers', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan('constant-timer.jmx', target, { properties: { think: '80' } });
  const paced = target.at('/paced').map((r) => r.at);
  assert.equal(paced.length, 5);
  for (let i = 1; i < paced.length; i++) assert.ok(paced[i] - paced[i - 1] >= 75, `gap ${paced[i] - paced[i - 1]}`);
  await runPlan('timers.jmx', target);
  const ctt = target.at('/ctt').map((r) => r.at);
  assert.equal(ctt.length, 4);
  // 600 a minute is one every 100 ms from the intended times, so the 4th is sent 300 ms after the
  // 1st (the Gaussian timers alone would space them ~60 ms); arrival jitter may shorten it a little.
  assert.ok(ctt[3] - ctt[0] >= 260, `4 paced samples over ${ctt[3] - ctt[0]} ms`);
  const gauss = target.at('/gauss').map((r) => r.at);
  for (let i = 1; i < gauss.length; i++) assert.ok(gauss[i] - ctt[i - 1] >= 55, 'the Gaussian timer waits its delay');
});

test('modules-and-counters.jmx: a Module Controller runs a Test Fragment; Counter (per user, format, wrap) and Random Variable configs; Recording Controller; the recorder is left out', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan('modules-and-counters.jmx', target);
  const logins = target.at('/frag/login').map((r) => r.query.get('user'));
  assert.deepEqual(logins, ['u_001', 'u_001', 'u_002', 'u_002', 'u_001', 'u_001'], 'each user counts 1, 2, then wraps');
  const recorded = target.at('/rec');
  assert.equal(recorded.length, 6);
  assert.ok(recorded.every((r) => ['10', '11', '12'].includes(r.query.get('rv') ?? '')));
  assert.deepEqual(
    recorded.map((r) => Number(r.query.get('global'))).sort((a, b) => a - b),
    [10, 15, 20, 25, 30, 35],
    'a shared counter steps by 5 across users',
  );
});

test('xpath-extractors.jmx: XPath and XPath2 extractors on HTML and on a SOAP XML answer', async (t) => {
  const target = await Target.start({
    '/form': (_r, res) =>
      res.end(
        '<html><body><form><input name="csrf" value="c-42"><input name="other" value="x"></form>' +
          '<div class="price big"><b>10</b></div><div class="price"><b>12</b></div></body></html>',
      ),
    '/soap': (_r, res) =>
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
            '<soap:Body><ns:token xmlns:ns="urn:x">T-9</ns:token></soap:Body></soap:Envelope>',
        ),
  });
  t.after(() => target.close());
  await runPlan('xpath-extractors.jmx', target);
  const use = target.at('/use')[0];
  assert.deepEqual(Object.fromEntries(use.query), { csrf: 'c-42', first: '10', count: '2', second: '12', soap: 'T-9' });
});

test('csv-sharing-modes.jmx: per thread every thread reads the rows from the top; shared by all, each row goes once', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan('csv-sharing-modes.jmx', target);
  const reads = target.at('/read');
  assert.equal(reads.length, 6);
  for (const thread of ['1', '2']) {
    assert.deepEqual(
      reads.filter((r) => r.query.get('thread') === thread).map((r) => r.query.get('mine')),
      ['alice', 'bob', 'carol'],
    );
  }
  assert.deepEqual(reads.map((r) => r.query.get('shared')).sort(), [
    '<EOF>',
    '<EOF>',
    '<EOF>',
    'alice',
    'bob',
    'carol',
  ]);
});

test('more-functions.jmx: __setProperty carries a value from setUp to the main group; __timeShift, __eval(Var), __split, __digest, __changeCase, __char, __escapeHtml, __isVarDefined, __threadGroupName, __machineName', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  await runPlan('more-functions.jmx', target);
  const q = Object.fromEntries(target.at('/read')[0].query);
  const tomorrow = new Date(Date.now() + 86_400_000);
  const ymd = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`;
  assert.deepEqual(q, {
    prop: 'from-setup',
    tomorrow: ymd,
    eval: '/root/x',
    evalVar: '/root/x',
    split: 'a|b||d',
    part2: 'b',
    parts: '4',
    digest: createHash('sha256').update('abc').digest('hex'),
    upper: 'ABC',
    chars: 'Hi',
    escaped: '&lt;a href=&quot;x&quot;&gt;',
    defined: 'true',
    undefined: 'false',
    group: 'Readers',
    machine: hostname(),
  });
});

test('throughput-shaping.jmx: a Throughput Shaping Timer holds the users to its schedule and ends the test after it; a Precise Throughput Timer paces a group; a Synchronizing Timer warns', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  const compiled = await compileSource({
    kind: 'file',
    path: join(jmxFixtures, 'throughput-shaping.jmx'),
    load: { properties: { host: '127.0.0.1', port: String(target.port) } },
  });
  assert.ok(
    compiled.warnings.some((w) => /SyncTimer "together".*no-op/.test(w)),
    compiled.warnings.join('\n'),
  );
  await runPlan('throughput-shaping.jmx', target);
  // 0 → 20/s over 1 s (10 samples), then 20/s for 0.5 s (10 more): 20, though 4 users could do far more.
  // (A sample due at the very end may find the test stopped on a loaded machine.)
  const shaped = target.at('/shaped').length;
  assert.ok(shaped >= 17 && shaped <= 20, `${shaped} shaped samples`);
  const precise = target.at('/precise').length;
  assert.ok(precise >= 10 && precise <= 21, `${precise} samples at 20/s for 1 s`);
});

test('jsr223-scripts.jmx: JSR223 and BeanShell samplers, pre- and post-processors in the Groovy subset plans use', async (t) => {
  const target = await Target.start({ '/first': (_r, res) => res.writeHead(201).end('  all fine ') });
  t.after(() => target.close());
  const before = Date.now();
  await runPlan('jsr223-scripts.jmx', target);
  const second = target.at('/api/second');
  assert.equal(second.length, 2, 'the setUp sampler set the base path property');
  assert.deepEqual(second.map((r) => r.query.get('user')).sort(), ['u0', 'u1']);
  for (const r of second) {
    const q = Object.fromEntries(r.query);
    assert.equal(q.code, '201');
    assert.equal(q.shout, 'ALL FINE');
    assert.equal(q.n, '42');
    assert.equal(q.greeting, `hi ${q.user}`);
    assert.equal(q.tpl, '/api-42', 'variables in a script are put in before it runs, as JMeter does');
    assert.ok(Number(q.stamp) >= before && Number(q.stamp) <= Date.now());
  }
  assert.equal(target.received.length, 4, 'the JSR223 sampler sends nothing');
});

test('jmeter-variables.jmx: JMeterThread.last_sample_ok after each sample, and the __jm__<name>__idx of thread groups and loops', async (t) => {
  const target = await Target.start({
    '/maybe': (r, res) => res.writeHead(r.query.get('it') === '1' ? 500 : 200).end(),
  });
  t.after(() => target.close());
  await runPlan('jmeter-variables.jmx', target);
  assert.deepEqual(
    target.at('/maybe').map((r) => r.query.get('it')),
    ['0', '1'],
  );
  assert.equal(target.at('/recover').length, 1, 'only after the failed sample');
  assert.deepEqual(
    target.at('/page').map((r) => r.query.get('n')),
    ['0', '1', '2', '0', '1', '2'],
  );
});

test('ignore-status.jmx: a Response Assertion that ignores the status passes an expected 404 and still fails a wrong code', async (t) => {
  const target = await Target.start({ '/missing': (_r, res) => res.writeHead(404).end() });
  t.after(() => target.close());
  const labels = byLabel(await runPlan('ignore-status.jmx', target));
  assert.deepEqual(Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v.failures])), {
    'expected 404': 0,
    'wrong code': 1,
    'plain 404': 1,
  });
  assert.equal(labels['wrong code'].errors.assertion, 1);
});
