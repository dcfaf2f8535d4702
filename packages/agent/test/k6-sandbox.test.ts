/**
 * What a k6 script may not do: unsupported modules and functions, remote modules and Node's
 * globals are refused before any request, naming the line; at run time nothing the script can
 * reach leads back to Node (no `Function` of Node's realm, no code from strings).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { K6Target, k6Fixtures, problemsOf, runFixture } from './k6-kit.ts';

const at = (name: string) => join(k6Fixtures, name);

test('unsupported imports, functions and globals are refused by name and line', async (t) => {
  const cases: [fixture: string, lines: string[]][] = [
    ['unsupported-module.js', [`${at('unsupported-module.js')}:2 k6/ws: WebSockets are not supported yet`]],
    ['unsupported-function.js', [`${at('unsupported-function.js')}:4 http.CookieJar (k6/http) is not supported`]],
    [
      'remote-module.js',
      [
        `${at('remote-module.js')}:1 remote module https://jslib.k6.io/aws/0.12.3/s3.js is not supported (download it next to the script and import it by a relative path (./name.js))`,
      ],
    ],
    [
      'node-globals.js',
      [
        `${at('node-globals.js')}:3 require() is not available in k6 scripts; use import`,
        `${at('node-globals.js')}:6 process is not available in k6 scripts; read -e values from __ENV`,
      ],
    ],
  ];
  for (const [fixture, lines] of cases) {
    await t.test(fixture, async () => {
      const problems = await problemsOf(fixture);
      assert.deepEqual(
        problems.map((p) => p.replace(/ \(it offers .*\)$/, '')),
        lines,
      );
    });
  }
});

test('a script cannot reach Node through the objects it is given', async () => {
  await using target = await K6Target.start();
  await runFixture('escape-attempts.js', target);
  const result = target.at('/result');
  assert.equal(result.length, 1);
  assert.deepEqual(Object.fromEntries(result[0].query), { f: 'blocked', r: 'blocked', e: 'blocked', t: 'undefined' });
});
