/**
 * `dlt run` end to end: the real CLI process against real HTTP servers on loopback, checking
 * what a user sees — request counts at the target, the JSON summary, exit codes, messages.
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
  dir = await mkdtemp(join(tmpdir(), 'dlt-run-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readSummary(path: string): Promise<RunSummary> {
  return JSON.parse(await readFile(path, 'utf8')) as RunSummary;
}

test('quick mode sends exactly the iterations asked and writes the JSON summary', async () => {
  await using target = await startTarget();
  const out = join(dir, 'quick.json');
  const r = await runDlt(['run', '--url', `${target.url}/hello`, '-c', '4', '-i', '300', '-q', '--out', `json=${out}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(target.hits.get('/hello'), 300);
  const s = await readSummary(out);
  assert.equal(s.totals.requests, 300);
  assert.equal(s.totals.failures, 0);
  assert.equal(s.statusCodes['200'], 300);
  assert.deepEqual(Object.keys(s.labels), ['GET /hello']);
  for (const key of ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'] as const) {
    assert.equal(typeof s.totals.responseTime[key], 'number', key);
  }
  assert.ok(
    s.totals.responseTime.min <= s.totals.responseTime.p50 && s.totals.responseTime.p50 <= s.totals.responseTime.max,
  );
  assert.ok(Date.parse(s.endedAt) >= Date.parse(s.startedAt));
  assert.match(r.stdout, /GET \/hello/);
  assert.match(r.stdout, /p99\.9/);
});

test('percentiles match a known delay distribution within the histogram precision plus 2 ms', async () => {
  const applied: number[] = [];
  let k = 0;
  await using target = await startTarget((_req, res) => {
    // A fixed, spread-out distribution: 5, 12, 19 … ms, cycling. The truth is what the server
    // really took (timers fire late on a busy machine), from the request to the response's end.
    const t0 = performance.now();
    const delay = 5 + ((k++ * 7) % 60);
    setTimeout(() => res.end('ok', () => applied.push(performance.now() - t0)), delay);
  });
  const out = join(dir, 'dist.json');
  const r = await runDlt(['run', '--url', `${target.url}/d`, '-c', '8', '-i', '400', '-q', '--out', `json=${out}`]);
  assert.equal(r.code, 0, r.stderr);
  const s = await readSummary(out);
  const sorted = [...applied].sort((a, b) => a - b);
  const truth = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  for (const [key, p] of [
    ['p50', 50],
    ['p90', 90],
    ['p95', 95],
    ['p99', 99],
  ] as const) {
    const measured = s.totals.responseTime[key];
    const t = truth(p);
    assert.ok(measured >= t - 0.01 * t && measured <= t * 1.001 + 2, `${key}: measured ${measured} ms, truth ${t} ms`);
  }
});

const thresholdFile = (url: string, expr: string) => `
execution:
  - executor: shared-iterations
    vus: 2
    iterations: 50
    scenario: s
scenarios:
  s:
    requests:
      - url: ${url}/t
        label: t
thresholds:
  http_req_duration: ["${expr}"]
  http_req_failed: ["rate<0.01"]
`;

test('thresholds: exit 0 when they hold, 99 when one is crossed', async () => {
  await using target = await startTarget();
  const okFile = join(dir, 'ok.yaml');
  await writeFile(okFile, thresholdFile(target.url, 'p(95)<5000'));
  const ok = await runDlt(['run', okFile, '-q']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /✓ http_req_duration: p\(95\)<5000/);

  const badFile = join(dir, 'crossed.yaml');
  await writeFile(badFile, thresholdFile(target.url, 'p(95)<0.001'));
  const crossed = await runDlt(['run', badFile, '-q']);
  assert.equal(crossed.code, 99, crossed.stderr);
  assert.match(crossed.stdout, /✗ http_req_duration: p\(95\)<0.001/);
  assert.match(crossed.stdout, /✓ http_req_failed: rate<0.01/);
});

const badInputs: [name: string, yaml: string, message: RegExp][] = [
  ['malformed YAML', 'execution: [\n  - vus: 1\n', /bad\.yaml:\d+:\d+/],
  [
    'unknown field',
    'execution:\n  - executor: constant-vus\n    vus: 1\n    duration: 1s\n    scenario: s\n    bogus: 1\nscenarios:\n  s:\n    requests: ["http://127.0.0.1:1/"]\n',
    /bad\.yaml:6:5 execution\[0\]/,
  ],
  [
    'wrong type',
    'execution:\n  - executor: constant-vus\n    vus: many\n    duration: 1s\n    scenario: s\nscenarios:\n  s:\n    requests: ["http://127.0.0.1:1/"]\n',
    /bad\.yaml:3:\d+ execution\[0\]\.vus/,
  ],
  [
    'negative duration',
    'execution:\n  - concurrency: 1\n    hold-for: -5s\n    scenario: s\nscenarios:\n  s:\n    requests: ["http://127.0.0.1:1/"]\n',
    /bad\.yaml:3:\d+ execution\[0\]\.hold-for/,
  ],
  [
    'URL that is not http(s)',
    'execution:\n  - concurrency: 1\n    hold-for: 1s\n    scenario: s\nscenarios:\n  s:\n    requests:\n      - url: ftp://127.0.0.1/x\n',
    /bad\.yaml:8:\d+ scenarios\.s\.requests\[0\]\.url/,
  ],
  [
    'option of another executor',
    'execution:\n  - executor: constant-vus\n    vus: 1\n    duration: 1s\n    rate: 5\n    scenario: s\nscenarios:\n  s:\n    requests: ["http://127.0.0.1:1/"]\n',
    /bad\.yaml:5:\d+ execution\[0\]\.rate/,
  ],
];
for (const [name, yaml, message] of badInputs) {
  test(`bad input gives a located message and exit 2: ${name}`, async () => {
    await using target = await startTarget();
    const file = join(dir, 'bad.yaml');
    await writeFile(file, yaml.replaceAll('http://127.0.0.1:1', target.url));
    const r = await runDlt(['run', file, '-q']);
    assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(target.total(), 0, 'no request may be sent');
  });
}

test('a file that does not exist is bad input', async () => {
  const r = await runDlt(['run', join(dir, 'missing.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing\.yaml/);
});

test('open model from the command line: exact arrivals, schedule lag reported', async () => {
  await using target = await startTarget();
  const out = join(dir, 'rate.json');
  const r = await runDlt([
    'run',
    '--url',
    `${target.url}/r`,
    '--rate',
    '200',
    '-d',
    '2s',
    '-c',
    '20',
    '-q',
    '-o',
    `json=${out}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(target.hits.get('/r'), 400);
  const s = await readSummary(out);
  assert.equal(s.totals.requests, 400);
  assert.equal(s.droppedIterations, 0);
  assert.ok(s.scheduleLag, 'an open model reports its schedule lag');
  assert.ok(Number.isFinite(s.scheduleLag.p99) && s.scheduleLag.p99 >= 0);
  assert.match(r.stdout, /schedule lag/);
});

test('two worker threads send exactly what one would', async () => {
  await using target = await startTarget();
  const out = join(dir, 'workers.json');
  const r = await runDlt([
    'run',
    '--url',
    `${target.url}/w`,
    '-c',
    '5',
    '-i',
    '501',
    '-w',
    '2',
    '-q',
    '-o',
    `json=${out}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(target.hits.get('/w'), 501);
  const s = await readSummary(out);
  assert.equal(s.totals.requests, 501);
  assert.equal(s.iterations, 501);
});
