/**
 * A k6 script as k6's documentation writes them (scenarios, groups, checks, thresholds with
 * tags, custom metrics, every k6/http verb and the usual params, cookies, json(), timings,
 * k6/crypto and k6/encoding) on the real engine, and what the target received.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { evaluateThresholds } from '@dlt/metrics';
import { compileFixture, K6Target, runFixture } from './k6-kit.ts';

test('api-journey.js: every request arrives as written, checks pass, thresholds hold', async () => {
  await using target = await K6Target.start({
    '/auth': (r, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=abc; Path=/' })
        .end(JSON.stringify({ token: `t-${JSON.parse(r.body).user}` })),
    '/items': (_r, res) => res.end(JSON.stringify({ items: [{ id: 7 }, { id: 8 }] })),
    '/orders/7': (r, res) => res.writeHead(r.method === 'PUT' ? 201 : 200).end('{}'),
    '/orders': (_r, res) => res.writeHead(204).end(),
    '/old': (_r, res) => res.writeHead(302, { location: '/new' }).end(),
  });
  const compiled = await compileFixture('api-journey.js', target.base);
  const result = await runFixture('api-journey.js', target);
  const auth = target.at('/auth');
  assert.equal(auth.length, 4);
  assert.deepEqual(auth.map((r) => JSON.parse(r.body).user).sort(), ['vu1', 'vu1', 'vu2', 'vu2']);
  assert.ok(auth.every((r) => r.method === 'POST' && r.headers['content-type'] === 'application/json'));
  const items = target.at('/items');
  assert.deepEqual(items.map((r) => r.query.get('page')).sort(), ['1', '1', '2', '2'], '__ITER per VU');
  assert.ok(items.every((r) => /^Bearer t-vu[12]$/.test(r.headers.authorization ?? '')));
  assert.ok(
    items.every((r) => r.headers.cookie === 'sid=abc'),
    'the VU’s cookie jar sends the session',
  );
  const orders = target.at('/orders/7');
  assert.deepEqual(orders.map((r) => r.method).sort(), [
    'PATCH',
    'PATCH',
    'PATCH',
    'PATCH',
    'PUT',
    'PUT',
    'PUT',
    'PUT',
  ]);
  const put = orders.find((r) => r.method === 'PUT');
  assert.equal(put?.body, 'qty=2', 'an object body is form-encoded');
  assert.equal(put?.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(JSON.parse(orders.find((r) => r.method === 'PATCH')?.body ?? '{}').gift, true);
  assert.equal(target.at('/health')[0]?.method, 'HEAD');
  assert.equal(target.at('/orders')[0]?.method, 'OPTIONS');
  const del = target.at('/orders/1')[0];
  assert.equal(del?.method, 'DELETE');
  assert.equal(del?.headers['x-sig'], createHmac('sha256', 'secret').update('payload').digest('hex'));
  assert.equal(del?.headers.authorization, `Basic ${Buffer.from('admin:pw').toString('base64')}`);
  const report = target.at('/report')[0];
  assert.equal(report?.method, 'REPORT');
  assert.equal(report?.body, 'q=all');
  assert.equal(target.at('/new').length, 0, 'redirects: 0 is not followed');
  for (const [name, c] of Object.entries(result.checks ?? {})) assert.equal(c.fails, 0, `check ${name} failed`);
  assert.equal(Object.keys(result.checks ?? {}).length, 12);
  assert.deepEqual(result.metrics?.orders_created, { type: 'counter', count: 4 });
  assert.equal(result.labels.login?.requests, 4, 'tags.name is the label');
  const outcomes = evaluateThresholds(compiled.thresholds, result);
  assert.deepEqual(
    Object.entries(outcomes).filter(([, o]) => !o.ok),
    [],
  );
  assert.equal(Object.keys(outcomes).length, 6);
});
