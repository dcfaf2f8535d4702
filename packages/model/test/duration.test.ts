import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration, tryParseDuration } from '../src/duration.ts';
import { DltError } from '../src/errors.ts';

test('parseDuration reads k6 and Taurus forms in milliseconds', () => {
  const cases: [name: string, input: string | number, ms: number][] = [
    ['milliseconds', '500ms', 500],
    ['seconds', '10s', 10_000],
    ['minutes and seconds', '1m30s', 90_000],
    ['hours', '1h', 3_600_000],
    ['days', '2d', 172_800_000],
    ['fractional seconds', '1.5s', 1_500],
    ['leading-dot fraction', '.5s', 500],
    ['every unit at once', '1d1h1m1s1ms', 90_061_001],
    ['units in any order, as Go allows', '30s1m', 90_000],
    ['bare number is seconds (Taurus)', 30, 30_000],
    ['bare numeric string is seconds', '45', 45_000],
    ['fractional bare number', 0.25, 250],
    ['zero', '0s', 0],
    ['surrounding spaces', ' 5s ', 5_000],
    ['spaces between parts (Taurus)', '1m 30s', 90_000],
    ['a space before the unit (Taurus)', '10 s', 10_000],
    ['a last number without unit is seconds (Taurus)', '1m30', 90_000],
    ['the same with a fraction', '1h0.5', 3_600_500],
  ];
  for (const [name, input, ms] of cases) assert.equal(parseDuration(input), ms, name);
});

test('tryParseDuration refuses garbage and negatives with a message naming the value', () => {
  const cases: [name: string, input: unknown, message: string][] = [
    ['unknown unit', '10x', '"10x" is not a duration'],
    ['unit without number', 's', '"s" is not a duration'],
    ['trailing garbage', '10s!', '"10s!" is not a duration'],
    ['two bare numbers', '1 30', '"1 30" is not a duration'],
    ['a unit then a bad number', '1m30x', '"1m30x" is not a duration'],
    ['empty string', '', '"" is not a duration'],
    ['microseconds are not offered', '10us', '"10us" is not a duration'],
    ['negative string', '-5s', '"-5s" is negative; a duration is 0 or more'],
    ['negative number', -1, '-1 is negative; a duration is 0 or more'],
    ['not finite', Number.POSITIVE_INFINITY, 'Infinity is not a duration'],
    ['a boolean', true, 'expected a duration, got boolean'],
  ];
  for (const [name, input, message] of cases) assert.deepEqual(tryParseDuration(input), { ok: false, message }, name);
});

test('parseDuration throws a bad-input DltError with the accepted forms as hint', () => {
  assert.throws(
    () => parseDuration('10x'),
    (e) => DltError.is(e) && e.message === '"10x" is not a duration (e.g. 30s, 1m30s)' && e.problems.length === 1,
  );
});

test('formatDuration writes the shortest form that parses back', () => {
  const cases: [ms: number, text: string][] = [
    [0, '0ms'],
    [250, '250ms'],
    [0.5, '0.5ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_605_000, '1h5s'],
    [90_061_001, '1d1h1m1.001s'],
    [-2_000, '-2s'],
  ];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text, `${ms} ms`);
    if (ms >= 0) assert.equal(parseDuration(text), ms, `${text} parses back`);
  }
});
