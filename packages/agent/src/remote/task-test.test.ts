import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DltError, type ExecutorSpec, type TaskSpec } from '@dlt/model';
import { compileTask, withConcurrency } from './task-test.ts';

const scenarios = { s: { requests: ['http://127.0.0.1:9/x'] } };
const spec = (definition: unknown, extra: Partial<TaskSpec> = {}): TaskSpec => ({
  runId: 'r1',
  testId: 't1',
  taskId: 'k1',
  region: 'local',
  testType: 'simple',
  definition,
  share: { index: 0, count: 1 },
  maxDurationMs: 60_000,
  ...extra,
});

/** VUs (or VUs and iterations) of each executor, for compact expectations. */
const load = (executors: readonly ExecutorSpec[]) =>
  executors.map((e) => {
    switch (e.executor) {
      case 'constant-vus':
      case 'per-vu-iterations':
        return `${e.executor} ${e.vus}`;
      case 'shared-iterations':
        return `${e.executor} ${e.vus}/${e.iterations}`;
      default:
        return e.executor;
    }
  });

const cases: [name: string, task: TaskSpec, expected: string[]][] = [
  [
    "a Taurus item takes the task's concurrency",
    spec({ execution: [{ concurrency: 10, 'hold-for': '5s', scenario: 's' }], scenarios }, { concurrency: 3 }),
    ['constant-vus 3'],
  ],
  [
    "a Taurus item without concurrency takes the task's too",
    spec({ execution: [{ 'hold-for': '5s', scenario: 's' }], scenarios }, { concurrency: 4 }),
    ['constant-vus 4'],
  ],
  [
    'without a task concurrency the item keeps its own',
    spec({ execution: [{ concurrency: 10, 'hold-for': '5s', scenario: 's' }], scenarios }),
    ['constant-vus 10'],
  ],
  [
    'a Taurus item is never split: every task runs all of it',
    spec(
      { execution: [{ concurrency: 2, iterations: 5, scenario: 's' }], scenarios },
      { concurrency: 3, share: { index: 2, count: 3 } },
    ),
    ['per-vu-iterations 3'],
  ],
  [
    'a k6 executor is split by the share (first of three)',
    spec(
      { execution: [{ executor: 'constant-vus', vus: 10, duration: '5s', scenario: 's' }], scenarios },
      { concurrency: 50, share: { index: 0, count: 3 } },
    ),
    ['constant-vus 4'],
  ],
  [
    'a k6 executor is split by the share (last of three)',
    spec(
      { execution: [{ executor: 'shared-iterations', vus: 3, iterations: 100, scenario: 's' }], scenarios },
      { share: { index: 2, count: 3 } },
    ),
    ['shared-iterations 1/33'],
  ],
  [
    'a share with nothing to do drops the executor and keeps the Taurus items',
    spec(
      {
        execution: [
          { executor: 'constant-vus', vus: 2, duration: '5s', scenario: 's' },
          { concurrency: 1, 'hold-for': '5s', scenario: 's' },
        ],
        scenarios,
      },
      { concurrency: 2, share: { index: 2, count: 3 } },
    ),
    ['constant-vus 2'],
  ],
];
for (const [name, task, expected] of cases) {
  test(`compileTask: ${name}`, () => assert.deepEqual(load(compileTask(task).executors), expected));
}

const bad: [name: string, task: TaskSpec, message: RegExp][] = [
  [
    'another test type',
    spec(undefined, { testType: 'gatling', bundleUrl: '/x' }),
    /test type gatling is not supported/,
  ],
  ['no definition', spec(undefined), /needs its definition/],
  ['an invalid definition', spec({ execution: [{ scenario: 'nope' }], scenarios }), /nope/],
];
for (const [name, task, message] of bad) {
  test(`compileTask refuses ${name}`, () => {
    assert.throws(
      () => compileTask(task),
      (e: unknown) => DltError.is(e) && e.code === 'DLT_ERR_BAD_INPUT' && message.test(e.message),
    );
  });
}

test('withConcurrency leaves what is not a definition alone', () => {
  for (const raw of [null, 'x', [], { execution: 'no' }]) assert.equal(withConcurrency(raw, 3), raw);
});
