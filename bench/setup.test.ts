/** Finding system tools on PATH and in the sbin folders. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { which } from './setup.ts';

test('which: finds binaries by name or absolute path, and not what is absent', async () => {
  const cases: [string, string, RegExp | undefined][] = [
    ['a name on PATH', 'sh', /\/sh$/],
    ['an absolute path', '/bin/sh', /^\/bin\/sh$/],
    ['an absent name', 'no-such-tool-dlt-bench', undefined],
    ['an absent absolute path', '/nonexistent/time', undefined],
  ];
  for (const [name, bin, want] of cases) {
    const got = await which(bin);
    if (want === undefined) assert.equal(got, undefined, name);
    else assert.match(got ?? '', want, name);
  }
});
