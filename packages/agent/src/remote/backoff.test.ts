import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, pause } from './backoff.ts';

const b = { baseMs: 100, maxMs: 1_000 };
const cases: [name: string, attempt: number, random: number, expected: number][] = [
  ['the first retry waits half the base at the least', 0, 0, 50],
  ['and the whole base at the most', 0, 0.999_999, 100],
  ['each attempt doubles the step', 3, 0, 400],
  ['the cap holds however many attempts failed', 40, 0.999_999, 1_000],
  ['a huge attempt number stays finite', 5_000, 0, 500],
  ['a negative attempt counts as the first', -3, 0, 50],
];
for (const [name, attempt, random, expected] of cases) {
  test(`backoff: ${name}`, () =>
    assert.equal(
      backoffMs(attempt, b, () => random),
      expected,
    ));
}

test('pause resolves false at once when aborted', async () => {
  const c = new AbortController();
  const p = pause(60_000, c.signal);
  c.abort();
  assert.equal(await p, false);
  assert.equal(await pause(1), true);
});
