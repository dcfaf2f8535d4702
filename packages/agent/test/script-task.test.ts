/**
 * How an agent compiles a script task from the bytes the server sends: a JMeter plan runs whole
 * on every task, a k6 script's executors are split by the task's share, a zip is unpacked in the
 * task's own folder and removed after, and file names from the server are never trusted as paths.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TaskSpec } from '@dlt/model';
import { compileScriptTask, executionEnv } from '../src/remote/script-task.ts';
import { jmxFixtures } from './jmx-kit.ts';
import { k6Fixtures } from './k6-kit.ts';

const spec = (testType: string, index: number, count = 2): TaskSpec => ({
  runId: 'run',
  testId: 'test',
  taskId: `task-${index}`,
  region: 'local',
  testType,
  bundleUrl: '/bundle',
  share: { index, count },
  maxDurationMs: 60_000,
});

test('a k6 script’s shared iterations are split by the task’s share', async () => {
  const bytes = await readFile(join(k6Fixtures, 'shortcut-iterations.js'));
  const parts = [];
  for (const i of [0, 1]) {
    const { test, dispose } = await compileScriptTask(spec('k6', i), { name: 'load.js', bytes });
    const e = test.executors[0];
    assert.ok(e.executor === 'shared-iterations');
    parts.push(e.iterations);
    await dispose();
  }
  assert.equal(parts[0] + parts[1], 10);
});

test('a JMeter plan runs whole on every task', async () => {
  const bytes = await readFile(join(jmxFixtures, 'setup-teardown.jmx'));
  const { test, dispose } = await compileScriptTask(spec('jmeter', 1), { name: 'plan.jmx', bytes });
  assert.deepEqual(
    test.executors.map((e) => (e.executor === 'per-vu-iterations' ? e.vus : e.executor)),
    [1, 2, 1],
    'setUp, main (both threads on task 2 of 2), tearDown',
  );
  await dispose();
});

test('a k6 zip is unpacked in the task folder, which is removed after; a hostile name is not a path', async () => {
  const bytes = await readFile(join(k6Fixtures, '..', 'bundle', 'k6-script-with-data.zip'));
  const { test, dispose } = await compileScriptTask(spec('k6', 0, 1), { name: '../../evil name.zip', bytes });
  const folder = test.source.slice(0, test.source.indexOf('/unpacked/'));
  assert.match(test.source, /dlt-task-[^/]+\/unpacked\/main\.js$/);
  assert.ok(existsSync(join(folder, 'bundle.zip')), 'saved under a name of its own');
  await dispose();
  assert.equal(existsSync(folder), false);
});

test('a script that cannot compile leaves no folder behind and names the task', async () => {
  const bytes = new TextEncoder().encode("import ws from 'k6/ws';\nexport default function () {}\n");
  await assert.rejects(
    compileScriptTask(spec('k6', 0, 1), { name: 'ws.js', bytes }),
    /ws\.js:1 k6\/ws: WebSockets are not supported yet/,
  );
});

test('a seed body’s execution (concurrency, hold-for, iterations) sets each task’s load, as Taurus did', async () => {
  const bytes = await readFile(join(k6Fixtures, 'scenarios.js'));
  const seed = (execution: unknown[]): TaskSpec => ({ ...spec('k6', 1, 3), concurrency: 4, definition: { execution } });
  const held = await compileScriptTask(seed([{ 'ramp-up': '1s', 'hold-for': '2s', scenario: 's' }]), {
    name: 's.js',
    bytes,
  });
  assert.deepEqual(
    held.test.executors.map((e) => (e.executor === 'constant-vus' ? [e.vus, e.durationMs] : e.executor)),
    [
      [4, 3000],
      [4, 3000],
    ],
    'each scenario runs the task’s 4 users for ramp-up + hold-for, on every task (not split)',
  );
  await held.dispose();
  const counted = await compileScriptTask(seed([{ concurrency: 2, iterations: 6, scenario: 's' }]), {
    name: 's.js',
    bytes,
  });
  assert.deepEqual(
    counted.test.executors.map((e) => (e.executor === 'shared-iterations' ? [e.vus, e.iterations] : e.executor)),
    [
      [2, 6],
      [2, 6],
    ],
  );
  await counted.dispose();
  const own = await compileScriptTask(seed([{ scenario: 's' }]), { name: 's.js', bytes });
  assert.deepEqual(
    own.test.executors.map((e) => e.executor),
    ['constant-arrival-rate', 'per-vu-iterations'],
    'no load in the body: the script’s own',
  );
  await own.dispose();
});

test('the first execution item’s env is the script’s __ENV (and a plan’s properties); other shapes give none', () => {
  assert.deepEqual(executionEnv({ execution: [{ env: { BASE: 'http://x', N: 3, skip: { a: 1 } } }] }), {
    BASE: 'http://x',
    N: '3',
  });
  for (const d of [undefined, {}, { execution: [] }, { execution: [{ env: ['x'] }] }])
    assert.deepEqual(executionEnv(d), {});
});
