/** When the n-th sample of a rate schedule is due: a table of schedules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueAt } from './rate-timers.ts';

const cases: [
  name: string,
  rows: { from: number; to: number; seconds: number }[],
  n: number,
  due: number | undefined,
][] = [
  ['constant 10/s: the 1st at 0.1 s', [{ from: 10, to: 10, seconds: 1 }], 1, 0.1],
  ['constant 10/s: the 10th at 1 s', [{ from: 10, to: 10, seconds: 1 }], 10, 1],
  ['constant 10/s: no 11th', [{ from: 10, to: 10, seconds: 1 }], 11, undefined],
  ['0 → 20/s over 1 s: 10 by its end', [{ from: 0, to: 20, seconds: 1 }], 10, 1],
  ['0 → 20/s over 1 s: the 5th at √0.5 s', [{ from: 0, to: 20, seconds: 1 }], 5, Math.sqrt(0.5)],
  [
    'then 20/s: the 12th 0.1 s into the second row',
    [
      { from: 0, to: 20, seconds: 1 },
      { from: 20, to: 20, seconds: 1 },
    ],
    12,
    1.1,
  ],
  [
    'a pause row (0/s) is skipped',
    [
      { from: 0, to: 0, seconds: 2 },
      { from: 5, to: 5, seconds: 1 },
    ],
    1,
    2.2,
  ],
];

for (const [name, rows, n, due] of cases) {
  test(`dueAt: ${name}`, () => {
    const got = dueAt(rows, n);
    if (due === undefined) assert.equal(got, undefined);
    else assert.ok(got !== undefined && Math.abs(got - due) < 1e-9, `${got} ≠ ${due}`);
  });
}
