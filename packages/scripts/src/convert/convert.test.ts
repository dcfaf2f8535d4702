/**
 * Every plan and script of the front-ends' fixture corpus goes through `convertFile`: it either
 * converts (everything, or with a list of what was left behind) into a YAML test that loads and
 * compiles, or is refused as bad input. Nothing throws anything else, and nothing converted is
 * invalid.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DltError } from '@dlt/model';
import { loadTestFile } from '../compile.ts';
import { convertFile } from './convert.ts';
import { convertK6 } from './k6-to-simple.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');
/** Values for the variables the fixtures read (`${__P(host)}`, `__ENV.BASE`…): a URL for BASE*, `x` for any other. */
const known: Record<string, string> = { host: '127.0.0.1', port: '8080' };
const env = new Proxy<Record<string, string>>(known, {
  get: (t, k) => (typeof k !== 'string' ? undefined : (t[k] ?? (k.startsWith('BASE') ? 'http://127.0.0.1:8080' : 'x'))),
  has: () => true,
});

for (const kind of ['jmx', 'k6'] as const) {
  test(`every ${kind} fixture converts to a YAML test that compiles, or is refused as bad input`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlt-convert-corpus-'));
    try {
      const files = (await readdir(join(fixtures, kind))).filter((f) => /\.(jmx|js)$/.test(f));
      assert.ok(files.length > 5);
      let converted = 0;
      for (const f of files) {
        let text: string;
        try {
          text = (await convertFile(join(fixtures, kind, f))).text;
        } catch (e) {
          assert.ok(DltError.is(e) && e.code === 'DLT_ERR_BAD_INPUT', `${f}: ${(e as Error).stack}`);
          continue;
        }
        const yaml = join(dir, `${f}.yaml`);
        await writeFile(yaml, text);
        try {
          const t = await loadTestFile(yaml, { env });
          assert.ok(t.executors.length > 0, f);
        } catch (e) {
          assert.fail(`${f} converted to a YAML test that does not load:\n${(e as Error).message}\n${text}`);
        }
        converted++;
      }
      assert.ok(converted > files.length / 3, `only ${converted} of ${files.length} converted`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('a threshold on a custom metric is listed once, saying why, not also as "not a metric"', () => {
  const script = [
    "import http from 'k6/http';",
    "import { Rate } from 'k6/metrics';",
    "const errors = new Rate('errors');",
    "export const options = { vus: 1, iterations: 1, thresholds: { errors: ['rate<0.1'], http_req_duration: ['p(95)<500'] } };",
    'export default function () {',
    "  http.get('http://127.0.0.1:8080/');",
    '  errors.add(false);',
    '}',
  ].join('\n');
  const r = convertK6(script, 'custom.js');
  assert.ok(r.ok);
  const onErrors = r.lost.filter((l) => l.type === 'option' || l.type === 'threshold');
  assert.deepEqual(
    onErrors.map((l) => l.what),
    ['the threshold on errors is not carried over (a simple test has no checks or custom metrics)'],
  );
  assert.deepEqual(r.definition.thresholds, { http_req_duration: ['p(95)<500'] });
});

test('a threshold dlt refuses is left out of the YAML (which would not load with it) and listed with why', () => {
  const script = [
    "import http from 'k6/http';",
    'export const options = {',
    "  scenarios: { buy: { executor: 'per-vu-iterations', vus: 1, iterations: 1, env: { X: '1' } } },",
    "  thresholds: { 'http_req_duration{group:::buy}': ['p(95)<300'], http_req_failed: ['rate<0.01'] },",
    '};',
    "export default function () { http.get('http://127.0.0.1:8080/'); }",
  ].join('\n');
  const r = convertK6(script, 'refused.js');
  assert.ok(r.ok);
  assert.deepEqual(r.definition.thresholds, { http_req_failed: ['rate<0.01'] });
  const whats = r.lost.map((l) => l.what);
  assert.ok(
    whats.some((w) =>
      /^the threshold on http_req_duration\{group:::buy\} is not carried over: dlt cannot filter/.test(w),
    ),
    whats.join('\n'),
  );
  assert.ok(whats.includes('scenario buy: its env is not carried over'), whats.join('\n'));
});
