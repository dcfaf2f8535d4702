/**
 * Script tasks on an agent run on a worker thread with a capped heap: a script that allocates
 * without bound (in an iteration or in its init code) ends its worker with a clear error, and
 * this process (the agent) goes on to run the next test.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { IsolatedShare } from '../src/remote/isolated-share.ts';
import { K6Target, k6Fixtures } from './k6-kit.ts';

const source = (name: string, base: string) =>
  ({ kind: 'file', path: join(k6Fixtures, name), load: { env: { BASE: base }, confined: true } }) as const;
const one = { index: 0, count: 1 };

test('an iteration that allocates without bound fails its worker with a clear error; the next test runs', async () => {
  await using target = await K6Target.start();
  const bomb = await IsolatedShare.prepare(source('unbounded-allocation.js', target.base), one, 256);
  await assert.rejects(bomb.run({}), /the script used more than its 256 MB of memory and was stopped/);
  assert.equal(target.at('/before').length, 1);
  const next = await IsolatedShare.prepare(source('shortcut-iterations.js', target.base), one, 256);
  const outcome = await next.run({});
  assert.equal(outcome.result.totals.requests, 10);
  assert.equal(target.at('/hit').length, 10);
});

test('init code that allocates without bound fails while preparing', async () => {
  await assert.rejects(
    IsolatedShare.prepare(source('init-allocation.js', 'http://127.0.0.1:1'), one, 256),
    /used more than its 256 MB/,
  );
});

test('a compile problem comes back as bad input; thresholds and warnings come back with ready', async () => {
  await assert.rejects(
    IsolatedShare.prepare(source('unsupported-module.js', 'http://127.0.0.1:1'), one, 256),
    (e: Error) => /k6\/ws: WebSockets are not supported yet/.test(e.message),
  );
  const ready = await IsolatedShare.prepare(source('custom-metrics.js', 'http://127.0.0.1:1'), one, 256);
  assert.equal(ready.thresholds.length, 5);
  ready.terminate();
});
