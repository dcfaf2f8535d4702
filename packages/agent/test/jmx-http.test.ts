/** JMeter plans on the real engine: what a loopback target receives from HTTP samplers and their config. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byLabel, runPlan, Target } from './jmx-kit.ts';

test('http-basics.jmx: defaults, parameters, raw body, headers merged inner over outer, disabled elements skipped', async (t) => {
  const target = await Target.start();
  t.after(() => target.close());
  const result = await runPlan('http-basics.jmx', target);
  assert.deepEqual(Object.keys(byLabel(result)).sort(), ['create order', 'home', 'login']);
  assert.equal(target.received.length, 2 * 3 * 3);
  const home = target.at('/api/home');
  assert.equal(home.length, 6);
  assert.equal(home[0].method, 'GET');
  assert.equal(home[0].query.get('q'), 'a b&c');
  assert.equal(home[0].headers['x-plan'], 'outer');
  assert.deepEqual([...new Set(home.map((r) => r.headers['x-thread']))].sort(), ['1', '2']);
  const login = target.at('/login');
  assert.equal(login[0].method, 'POST');
  assert.equal(login[0].headers['content-type'], 'application/x-www-form-urlencoded');
  assert.match(login[0].body, /^user=u[12]&pass=p%40ss\+word$/);
  const orders = target.at('/api/orders');
  assert.equal(orders[0].method, 'PUT');
  assert.equal(orders[0].headers['content-type'], 'application/json');
  assert.equal(orders[0].headers['x-plan'], 'inner');
  assert.deepEqual(JSON.parse(orders[0].body).item, 'book');
  assert.equal(target.at('/disabled').length, 0);
  assert.equal(result.totals.failures, 0);
});
