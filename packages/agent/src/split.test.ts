import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutorSpec } from '@dlt/model';
import { share, splitExecutor, splitExecutors } from './split.ts';

const base = { name: 'e', program: 'p', startTimeMs: 0, gracefulStopMs: 30_000 };

test('shares add up to the whole and differ by at most one', () => {
  for (const x of [0, 1, 2, 7, 10, 999, 1000, 1001]) {
    for (const n of [1, 2, 3, 4, 7]) {
      const parts = Array.from({ length: n }, (_, i) => share(x, i, n));
      assert.equal(
        parts.reduce((a, b) => a + b, 0),
        x,
        `${x} over ${n}`,
      );
      assert.ok(Math.max(...parts) - Math.min(...parts) <= 1);
    }
  }
});

const cases: [name: string, spec: ExecutorSpec, count: number, check: (parts: (ExecutorSpec | null)[]) => void][] = [
  [
    'constant-vus splits VUs; an empty share is dropped',
    { ...base, executor: 'constant-vus', vus: 3, durationMs: 1000 },
    4,
    (parts) =>
      assert.deepEqual(
        parts.map((p) => (p && p.executor === 'constant-vus' ? p.vus : null)),
        [1, 1, 1, null],
      ),
  ],
  [
    'shared-iterations splits iterations exactly, never more VUs than iterations',
    { ...base, executor: 'shared-iterations', vus: 10, iterations: 1001, maxDurationMs: 600_000 },
    2,
    (parts) =>
      assert.deepEqual(
        parts.map((p) => (p && p.executor === 'shared-iterations' ? [p.vus, p.iterations] : null)),
        [
          [5, 501],
          [5, 500],
        ],
      ),
  ],
  [
    'ramping-vus splits start and every stage target',
    { ...base, executor: 'ramping-vus', startVus: 1, stages: [{ durationMs: 1000, target: 5 }], gracefulRampDownMs: 0 },
    2,
    (parts) =>
      assert.deepEqual(
        parts.map((p) => (p && p.executor === 'ramping-vus' ? [p.startVus, p.stages[0].target] : null)),
        [
          [1, 3],
          [0, 2],
        ],
      ),
  ],
  [
    'arrival rates are striped, with at least one VU per share',
    {
      ...base,
      executor: 'constant-arrival-rate',
      rate: 100,
      timeUnitMs: 1000,
      durationMs: 1000,
      preAllocatedVus: 1,
      maxVus: 3,
    },
    2,
    (parts) =>
      assert.deepEqual(
        parts.map((p) =>
          p && p.executor === 'constant-arrival-rate' ? [p.stripe, p.preAllocatedVus, p.maxVus] : null,
        ),
        [
          [{ index: 0, count: 2 }, 1, 2],
          [{ index: 1, count: 2 }, 1, 1],
        ],
      ),
  ],
];
for (const [name, spec, count, check] of cases) {
  test(name, () => check(Array.from({ length: count }, (_, i) => splitExecutor(spec, i, count))));
}

test('a striped schedule striped again covers every arrival once', () => {
  const spec: ExecutorSpec = {
    ...base,
    executor: 'ramping-arrival-rate',
    startRate: 0,
    timeUnitMs: 1000,
    stages: [{ durationMs: 1000, target: 10 }],
    preAllocatedVus: 4,
    maxVus: 4,
    stripe: { index: 1, count: 2 },
  };
  const parts = splitExecutors([spec], 0, 3).concat(splitExecutors([spec], 1, 3), splitExecutors([spec], 2, 3));
  const taken = new Set<number>();
  for (const p of parts) {
    assert.ok(p.executor === 'ramping-arrival-rate' && p.stripe);
    for (let i = 0; i < 60; i++) if (i % p.stripe.count === p.stripe.index) taken.add(i);
  }
  const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 2 === 1);
  assert.deepEqual(
    [...taken].sort((a, b) => a - b),
    expected,
  );
});
