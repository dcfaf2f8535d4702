/** k6 scripts that import the common jslib modules by URL run without network, on our versions of them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFixture, K6Target, runFixture } from './k6-kit.ts';

test('jslib-imports.js: k6-utils helpers and k6-summary work offline; handleSummary is named as not called', async () => {
  await using target = await K6Target.start({
    '/page': (_r, res) => res.end('<form><input name="t" token="tk-1"></form>'),
  });
  const compiled = await compileFixture('jslib-imports.js', target.base);
  assert.ok(
    compiled.warnings.some((w) => /handleSummary is not called/.test(w)),
    compiled.warnings.join('\n'),
  );
  const result = await runFixture('jslib-imports.js', target);
  const uses = target.at('/use').map((r) => JSON.parse(r.body));
  assert.equal(uses.length, 3);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  for (const u of uses) {
    assert.ok(u.n >= 5 && u.n <= 7 && Number.isInteger(u.n));
    assert.ok(['red', 'green'].includes(u.colour));
    assert.match(u.name, /^[xyz]{8}$/);
    assert.match(u.id, uuid);
    assert.match(u.secureId, uuid);
    assert.equal(u.token, 'tk-1');
    assert.deepEqual(u.all, ['a', 'b']);
  }
  assert.equal(new Set(uses.map((u) => u.id)).size, 3);
  assert.deepEqual(result.checks, { ok: { passes: 3, fails: 0 } });
});

test('jslib-url-papaparse.js: papaparse reads a quoted CSV into a SharedArray; URL and URLSearchParams build the requests', async () => {
  await using target = await K6Target.start();
  const result = await runFixture('jslib-url-papaparse.js', target);
  assert.deepEqual(
    target.at('/search').map((r) => [r.query.get('q'), r.query.get('city')]),
    [
      ['ann & co', 'Paris, FR'],
      ['bob & co', 'Lyon'],
      ['cy & co', 'Say "hi"'],
    ],
  );
  const forms = target.at('/form');
  assert.deepEqual(
    forms.map((r) => r.body),
    ['name=ann&page=2', 'name=bob&page=2', 'name=cy&page=2'],
  );
  assert.equal(forms[0].query.get('page'), '2');
  assert.deepEqual(result.checks, { found: { passes: 3, fails: 0 } });
});
