// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are `${NAME}` references in test files, not templates
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PathProblem } from '@dlt/model';
import { interpolate } from './interpolate.ts';

test('interpolate replaces references in strings only, at any depth', () => {
  const env = { HOST: 'h', EMPTY: '', N: '5' };
  const cases: [name: string, input: unknown, output: unknown][] = [
    ['a variable', 'http://${HOST}/', 'http://h/'],
    ['several in one string', '${HOST}${N}${HOST}', 'h5h'],
    ['default when unset', '${PORT:-8080}', '8080'],
    ['default when empty, as a shell does', '${EMPTY:-x}', 'x'],
    ['empty without default stays empty', '[${EMPTY}]', '[]'],
    ['a default may hold colons and slashes', '${URL:-http://127.0.0.1:8080/a}', 'http://127.0.0.1:8080/a'],
    ['an empty default', '${PORT:-}', ''],
    ['$${ is a literal', '$${HOST} and ${HOST}', '${HOST} and h'],
    ['a lone $ is kept', 'cost $5', 'cost $5'],
    ['numbers and booleans untouched', [1, true, null], [1, true, null]],
    ['keys are not interpolated', { '${HOST}': '${N}' }, { '${HOST}': '5' }],
  ];
  for (const [name, input, output] of cases)
    assert.deepEqual(interpolate(input, env), { value: output, problems: [] }, name);
});

test('interpolate reports each unset or malformed reference at its path', () => {
  const r = interpolate({ a: ['${MISSING}', 'ok'], b: { c: 'x ${not valid} ${}' } }, {});
  const problems: PathProblem[] = [
    { path: ['a', 0], message: '${MISSING} is not set', hint: 'pass -e MISSING=… or write ${MISSING:-default}' },
    {
      path: ['b', 'c'],
      message: '${not valid} is not a variable reference',
      hint: 'write ${NAME} or ${NAME:-default}',
    },
    { path: ['b', 'c'], message: '${} is not a variable reference', hint: 'write ${NAME} or ${NAME:-default}' },
  ];
  assert.deepEqual(r.problems, problems);
  assert.deepEqual(r.value, { a: ['${MISSING}', 'ok'], b: { c: 'x ${not valid} ${}' } });
});
