/** When a sample counts as failed: an error always; else the script's verdict; else the status. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFailure } from '@dlt/model';

test('isFailure: errors fail; the script’s verdict beats the status; else 200–399 pass', () => {
  const cases: [string, Parameters<typeof isFailure>[0], boolean][] = [
    ['a 200', { status: 200, error: null }, false],
    ['a 302', { status: 302, error: null }, false],
    ['a 404', { status: 404, error: null }, true],
    ['no response', { status: 0, error: 'connect-refused' }, true],
    ['a 404 the script expected', { status: 404, error: null, expected: true }, false],
    ['a 200 the script did not expect', { status: 200, error: null, expected: false }, true],
    ['an assertion on an expected status', { status: 404, error: 'assertion', expected: true }, true],
  ];
  for (const [name, sample, failed] of cases) assert.equal(isFailure(sample), failed, name);
});
