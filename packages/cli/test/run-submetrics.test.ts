/**
 * `dlt run script.js` with k6 thresholds on sub-metrics (`{scenario:slow}`, `{status:500}`,
 * `{expected_response:true}`, `{method:GET}`), as the real CLI process on two worker threads,
 * against a loopback target whose /slow answers after 120 ms: each selector reads the requests
 * it names, merged across the threads, and decides the exit code.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunSummary } from '@dlt/model';
import { runDlt, startTarget } from './helpers.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlt-run-submetrics-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two scenarios of 2 VUs × 2 iterations: slow GETs /slow, fast GETs /fast and /err (a 500). */
function script(scenario: 'slow' | 'fast'): string {
  return `import http from 'k6/http';
export const options = {
  scenarios: {
    slow: { executor: 'per-vu-iterations', vus: 2, iterations: 2, exec: 'slow' },
    fast: { executor: 'per-vu-iterations', vus: 2, iterations: 2, exec: 'fast' },
  },
  thresholds: {
    'http_req_duration{scenario:${scenario}}': ['p(95)<50'],
    'http_req_duration{expected_response:true}': ['max>=100'],
    'http_req_duration{status:500}': ['max<100'],
    'http_reqs{status:500,scenario:fast}': ['count==4'],
    'http_reqs{expected_response:true}': ['count==8'],
    'http_req_failed{method:GET,scenario:slow}': ['rate==0'],
    'http_req_failed{scenario:fast}': ['rate==0.5'],
  },
};
export function slow() { http.get(__ENV.BASE + '/slow'); }
export function fast() { http.get(__ENV.BASE + '/fast'); http.get(__ENV.BASE + '/err'); }
`;
}

test('dlt run: a threshold on one scenario reads that scenario only, merged over worker threads', async () => {
  await using target = await startTarget((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow'), 120);
    else if (req.url === '/err') res.writeHead(500).end('no');
    else res.end('fast');
  });
  const run = async (scenario: 'slow' | 'fast') => {
    const file = join(dir, `${scenario}.js`);
    const out = join(dir, `${scenario}.json`);
    await writeFile(file, script(scenario));
    const r = await runDlt(['run', file, '-e', `BASE=${target.url}`, '-w', '2', '-q', '--out', `json=${out}`]);
    return { r, summary: JSON.parse(await readFile(out, 'utf8')) as RunSummary };
  };

  const fast = await run('fast');
  assert.equal(fast.r.code, 0, fast.r.stdout + fast.r.stderr);
  const t = fast.summary.thresholds;
  assert.ok((t['http_req_duration{scenario:fast}: p(95)<50'].actual ?? 99) < 50);
  // The passing requests include the slow ones; the 500s are the fast scenario's, quick.
  assert.ok((t['http_req_duration{expected_response:true}: max>=100'].actual ?? 0) >= 100);
  assert.ok((t['http_req_duration{status:500}: max<100'].actual ?? 999) < 100);
  assert.equal(t['http_reqs{status:500,scenario:fast}: count==4'].actual, 4);
  assert.equal(t['http_reqs{expected_response:true}: count==8'].actual, 8);
  assert.equal(t['http_req_failed{method:GET,scenario:slow}: rate==0'].actual, 0);
  assert.equal(t['http_req_failed{scenario:fast}: rate==0.5'].actual, 0.5);
  assert.equal(fast.summary.totals.requests, 12);

  const slow = await run('slow');
  assert.equal(slow.r.code, 99, slow.r.stdout + slow.r.stderr);
  const crossed = slow.summary.thresholds['http_req_duration{scenario:slow}: p(95)<50'];
  assert.equal(crossed.ok, false);
  assert.ok((crossed.actual ?? 0) >= 100, `p95 ${crossed.actual}`);
  // Every other threshold held: only the slow scenario's crossed.
  const failed = Object.entries(slow.summary.thresholds).filter(([, o]) => !o.ok);
  assert.deepEqual(
    failed.map(([k]) => k),
    ['http_req_duration{scenario:slow}: p(95)<50'],
  );
  assert.equal(target.hits.get('/slow'), 8);
});

test('a YAML test shares the machinery: {scenario:NAME} reads that execution item only', async () => {
  await using target = await startTarget((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow'), 120);
    else res.end('fast');
  });
  const yaml = (name: string) =>
    [
      'execution:',
      '  - { name: slow, scenario: slowapi, concurrency: 1, iterations: 3 }',
      '  - { name: fast, scenario: fastapi, concurrency: 1, iterations: 3 }',
      'scenarios:',
      `  slowapi: { requests: ["${target.url}/slow"] }`,
      `  fastapi: { requests: ["${target.url}/fast"] }`,
      'thresholds:',
      `  http_req_duration{scenario:${name}}: [p(95)<50]`,
      '  http_reqs{scenario:fast,method:GET,expected_response:true}: [count==3]',
      '',
    ].join('\n');
  for (const [name, code] of [
    ['fast', 0],
    ['slow', 99],
  ] as const) {
    const file = join(dir, `${name}.yaml`);
    await writeFile(file, yaml(name));
    const r = await runDlt(['run', file, '-q']);
    assert.equal(r.code, code, `${name}: ${r.stdout}${r.stderr}`);
  }
  assert.equal(target.hits.get('/slow'), 6);
});

test('dlt run: a filter dlt still cannot read exits 2 before any request, saying why', async () => {
  await using target = await startTarget();
  const file = join(dir, 'group.js');
  await writeFile(
    file,
    `import http from 'k6/http';
export const options = { iterations: 1, thresholds: { 'http_req_duration{group:::buy}': ['p(95)<50'] } };
export default function () { http.get(__ENV.BASE + '/'); }
`,
  );
  const r = await runDlt(['run', file, '-e', `BASE=${target.url}`, '-q']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /dlt cannot filter http_req_duration by group yet/);
  assert.equal(target.total(), 0);
});
