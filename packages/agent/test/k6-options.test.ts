/**
 * k6 options on the real engine: the shortcuts (iterations, duration, stages, nothing),
 * scenarios with their executors, exec, startTime and env, CLI overrides, and TypeScript.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture, K6Target, problemsOf, runFixture } from './k6-kit.ts';

test('iterations and vus run exactly that many iterations as shared-iterations', async () => {
  await using target = await K6Target.start();
  const test = await compileFixture('shortcut-iterations.js', target.base);
  assert.deepEqual(
    test.executors.map((e) => [e.executor, e.name]),
    [['shared-iterations', 'default']],
  );
  const r = await runFixture('shortcut-iterations.js', target);
  assert.equal(target.at('/hit').length, 10);
  assert.equal(r.iterations.iterations, 10);
  assert.deepEqual(Object.keys(r.labels), [`${target.base}/hit`]);
});

test('no options runs one VU once; duration + vus is constant-vus; stages are ramping-vus', async () => {
  await using target = await K6Target.start();
  await runFixture('no-options.js', target);
  assert.equal(target.at('/once').length, 1);
  const duration = await compileFixture('shortcut-duration.js', target.base);
  assert.equal(duration.executors[0].executor, 'constant-vus');
  const stages = await compileFixture('shortcut-stages.js', target.base);
  const e = stages.executors[0];
  assert.ok(e.executor === 'ramping-vus');
  assert.deepEqual(e.stages, [
    { durationMs: 500, target: 3 },
    { durationMs: 500, target: 3 },
  ]);
});

test('constant-vus for 1 s with 0.1 s sleeps sends about 2 VUs × 10 requests', async () => {
  await using target = await K6Target.start();
  await runFixture('shortcut-duration.js', target);
  const n = target.at('/tick').length;
  assert.ok(n >= 8 && n <= 22, `${n} requests`);
});

test('scenarios: each executor runs its exec function with its own env, after its start time', async () => {
  await using target = await K6Target.start();
  const r = await runFixture('scenarios.js', target);
  const browse = target.at('/browse').length;
  // 20 arrivals at 20/s for 1 s; on a loaded machine one may be dropped (both VUs busy), as k6 does.
  assert.ok(browse >= 17 && browse <= 20, `${browse} arrivals`);
  const buys = target.at('/buy');
  assert.equal(buys.length, 6);
  assert.ok(buys.every((b) => b.method === 'POST' && b.body === 'item=1'));
  assert.ok(buys.every((b) => b.query.get('kind') === 'gift' && b.query.get('scenario') === 'buy'));
  assert.deepEqual(Object.keys(r.scenarios).sort(), ['browse', 'buy']);
  assert.equal(r.labels['browse page']?.requests, browse, 'tags.name is the label');
});

test('CLI overrides keep k6 meaning: --iterations makes shared-iterations', async () => {
  await using target = await K6Target.start();
  await runFixture('scenarios.js', target, { overrides: { iterations: 3, vus: 1 } });
  assert.equal(target.at('/browse').length + target.at('/buy').length, 6, 'each scenario runs 3 iterations');
});

test('a TypeScript script runs with its types removed', async () => {
  await using target = await K6Target.start();
  await runFixture('typed.ts', target);
  assert.equal(target.at('/typed').length, 2);
});

test('every-executor.js: all six executors run their scenario; externally-controlled is refused by name', async () => {
  await using target = await K6Target.start();
  const compiled = await compileFixture('every-executor.js', target.base);
  assert.deepEqual(
    compiled.executors.map((e) => `${e.name}:${e.executor}`),
    [
      'shared:shared-iterations',
      'perVu:per-vu-iterations',
      'constant:constant-vus',
      'ramping:ramping-vus',
      'arrivals:constant-arrival-rate',
      'rampingArrivals:ramping-arrival-rate',
    ],
  );
  const r = await runFixture('every-executor.js', target);
  const n = (path: string) => target.at(path).length;
  assert.equal(n('/shared'), 6);
  assert.equal(n('/perVu'), 6, '2 VUs × 3');
  assert.ok(n('/arrivals') >= 4 && n('/arrivals') <= 5, `${n('/arrivals')} arrivals at 10/s for 0.5 s`);
  // 0 → 20/s over 0.5 s then 20/s for 0.5 s: 5 + 10 arrivals.
  assert.ok(n('/rampingArrivals') >= 12 && n('/rampingArrivals') <= 16, `${n('/rampingArrivals')} ramping arrivals`);
  assert.ok(n('/constant') >= 2 && n('/constant') <= 11, `${n('/constant')} from 1 VU for 0.5 s, 50 ms apart`);
  assert.ok(n('/ramping') >= 2, `${n('/ramping')} while ramping 0 → 2 → 0`);
  assert.deepEqual(Object.keys(r.scenarios).sort(), [
    'arrivals',
    'constant',
    'perVu',
    'ramping',
    'rampingArrivals',
    'shared',
  ]);
  const problems = await problemsOf('externally-controlled.js');
  assert.match(problems.join('\n'), /options\.scenarios\.remote\.executor: .*expected one of "constant-vus"/);
});
