/**
 * Reports end to end: two runs on a real server (real `dlt agent` processes, a loopback target
 * that counts), the second compared with the first as baseline; `dlt report RUN_ID` as a real
 * process, the API's HTML / CSV / JSON downloads, `dlt report --from` on a local run's summary;
 * the HTML checked for its parts and for any network reference, then opened in headless
 * Chromium, which must request nothing but the file itself, and a screenshot saved.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type DltClient } from '@dlt/client';
import { type RunningServer, startServer } from '@dlt/server';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { runDlt, startTarget, type Target } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'src', 'bin.ts');
const shots = join(here, '..', 'test-output');
let target: Target;
let server: RunningServer;
let client: DltClient;
let token = '';
let dir = '';
let testId = '';
let baselineId = '';
let runId = '';
let browser: Browser;

async function runOnServer(file: string, extra: string[] = []) {
  const r = await runDlt([
    'tests',
    'run',
    file,
    '--wait',
    '-q',
    '--json',
    '--server',
    server.url,
    '--token',
    token,
    ...extra,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { testId: string; testRunId: string };
}

before(async () => {
  // First, in a hook (no test timeout): on a fresh machine this installs Chromium with apt.
  browser = await launchChromium();
  target = await startTarget((req, res) => {
    res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('ok');
  });
  dir = await mkdtemp(join(tmpdir(), 'dlt-report-'));
  server = await startServer({
    dataDir: join(dir, 'data'),
    port: 0,
    adminPassword: 'report-admin-password',
    agentCommand: [process.execPath, bin, 'agent'],
  });
  const admin = createClient({
    baseUrl: server.url,
    token: (await createClient({ baseUrl: server.url }).login('admin', 'report-admin-password')).token,
  });
  token = (await admin.createToken({ name: 'report', role: 'editor' })).token;
  client = createClient({ baseUrl: server.url, token });
  const file = join(dir, 'shop.yaml');
  await writeFile(
    file,
    `execution:\n  - concurrency: 2\n    hold-for: 2s\n    scenario: s\nscenarios:\n  s:\n    think-time: 20ms\n    requests:\n      - label: home\n        url: '${target.url}/home'\n      - label: missing page\n        url: '${target.url}/missing'\nthresholds:\n  http_req_duration: ['p(95)<5000']\n  http_req_failed: ['rate<0.9']\n`,
  );
  const first = await runOnServer(file, ['--tasks', '2']);
  testId = first.testId;
  baselineId = first.testRunId;
  await client.putBaseline(testId, baselineId);
  runId = (await runOnServer(testId)).testRunId;
});
after(async () => {
  await browser?.close();
  await server?.close();
  await target?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

/** References that would make a browser fetch something. */
function networkReferences(html: string): string[] {
  const found = [
    ...html.matchAll(/<(script|link|img|iframe|object|embed|audio|video|source)\b/gi),
    ...html.matchAll(/\b(src|href|srcset|action|poster|data)\s*=/gi),
    ...html.matchAll(/url\s*\(|@import/gi),
  ];
  return found.map((m) => m[0]);
}

test('dlt report RUN_ID: one HTML file with the summary, charts, per-label and per-region tables and the baseline', async () => {
  const out = join(dir, 'report.html');
  const r = await runDlt(['report', runId, '--server', server.url, '--token', token, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const html = await readFile(out, 'utf8');
  const stdout = await runDlt(['report', runId, '--server', server.url, '--token', token]);
  const body = (text: string) => text.replace(/<footer>.*<\/footer>/, '');
  assert.ok(body(stdout.stdout) === body(html), 'stdout and --output hold the same report');
  assert.match(html, /^<!doctype html>/);
  assert.deepEqual(networkReferences(html), []);
  for (const id of ['summary', 'timeline', 'labels', 'regions', 'responses', 'baseline']) {
    assert.match(html, new RegExp(`<section id="${id}">`), id);
  }
  assert.equal(html.match(/<svg class="chart"/g)?.length, 4, 'four timeline charts');
  assert.ok((html.match(/<path d="M/g)?.length ?? 0) >= 6, 'lines drawn in the charts');
  assert.match(html, /<th scope="row">home<\/th>/);
  assert.match(html, /<th scope="row">missing page<\/th>/);
  assert.match(html, /<th scope="row">local<\/th>/, 'the region row');
  assert.match(html, /http_req_failed: rate&lt;0.9/);
  assert.match(html, new RegExp(`against baseline run <code>${baselineId}</code>`));
  assert.match(html, /<table class="compare">/);
  assert.match(html, /<span class="bad">404|<th scope="row">404<\/th>/);
});

test('the API serves the report as HTML, CSV (per scope and per second) and JSON; errors are named', async () => {
  const base = `${server.url}/api/scenarios/${testId}/testruns/${runId}/report`;
  const get = (q = '') => fetch(`${base}${q}`, { headers: { authorization: `Bearer ${token}` } });
  const html = await get();
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(
    html.headers.get('content-disposition') ?? '',
    new RegExp(`attachment; filename="dlt-${testId}-${runId}.html"`),
  );
  assert.match(await html.text(), /<section id="baseline">/);

  const run = await client.getTestRun(testId, runId);
  const csv = (await (await get('?format=csv')).text()).trim().split('\r\n');
  assert.match(csv[0], /^scope,name,requests,failures,error_rate,rps/);
  const rows = csv.slice(1).map((l) => l.split(','));
  assert.deepEqual(
    rows.map((r) => `${r[0]} ${r[1]}`),
    ['total all', 'region local', 'label home', 'label missing page'],
  );
  assert.equal(Number(rows[0][2]), run.summary?.totals.requests);
  assert.equal(Number(rows[3][3]), run.summary?.labels['missing page'].failures);

  const timeline = (await (await get('?format=timeline.csv')).text()).trim().split('\r\n');
  assert.match(timeline[0], /^at,region,requests,failures,vus/);
  const perSecond = timeline.slice(1).filter((l) => l.split(',')[1] === 'all');
  assert.equal(
    perSecond.reduce((n, l) => n + Number(l.split(',')[2]), 0),
    run.summary?.totals.requests,
    'the seconds add up to the total',
  );

  const json = (await (await get('?format=json')).json()) as {
    testRunId: string;
    baselineId: string;
    summary: { totals: { requests: number } };
  };
  assert.equal(json.testRunId, runId);
  assert.equal(json.baselineId, baselineId);
  assert.equal(json.summary.totals.requests, run.summary?.totals.requests);

  assert.equal((await get('?format=pdf')).status, 400);
  const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
    paths: Record<
      string,
      {
        get?: {
          parameters: { name: string; schema: { enum?: string[] } }[];
          responses: Record<string, { content?: Record<string, unknown> }>;
        };
      }
    >;
  };
  for (const path of ['/api/runs/{runId}/report', '/api/scenarios/{testId}/testruns/{testRunId}/report']) {
    const format = doc.paths[path]?.get?.parameters.find((p) => p.name === 'format');
    assert.deepEqual(format?.schema.enum, ['html', 'csv', 'timeline.csv', 'json'], path);
    assert.deepEqual(Object.keys(doc.paths[path]?.get?.responses['200'].content ?? {}), [
      'text/html',
      'text/csv',
      'application/json',
    ]);
  }
  const byRun = await fetch(`${server.url}/api/runs/${runId}/report?format=csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal((await byRun.text()).split('\r\n')[1].split(',')[2], String(run.summary?.totals.requests));
  assert.equal((await fetch(`${server.url}/api/runs/${runId}/report`)).status, 401);
  const missing = await runDlt(['report', 'nope', '--server', server.url, '--token', token]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /404 TESTRUN_NOT_FOUND/);
});

test('Chromium opens the report without a single network request, draws it, and a screenshot is saved', async () => {
  const html = await client.downloadReport(runId);
  const file = join(dir, 'open-me.html');
  await writeFile(file, html);
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    assert.deepEqual(requests, [pathToFileURL(file).href], 'only the file itself was loaded');
    assert.deepEqual(problems, []);
    assert.equal(await page.title(), `shop — dlt report ${runId}`);
    const charts = await page.locator('svg.chart').evaluateAll((els) =>
      els.map((e) => {
        const box = e.getBoundingClientRect();
        return { w: Math.round(box.width), h: Math.round(box.height), lines: e.querySelectorAll('path').length };
      }),
    );
    assert.equal(charts.length, 4);
    for (const c of charts) assert.ok(c.w > 500 && c.h > 100 && c.lines >= 1, JSON.stringify(c));
    assert.equal(await page.locator('#labels tbody tr').count(), 3, 'all, home, missing page');
    await mkdir(shots, { recursive: true });
    const shot = join(shots, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok((await stat(shot)).size > 20_000, 'a screenshot with content');
  } finally {
    await context.close();
  }
});

test('dlt report --from: the summary of a local dlt run, compared with another local run', async () => {
  const file = join(dir, 'local.yaml');
  await writeFile(
    file,
    `execution:\n  - concurrency: 1\n    iterations: 20\n    scenario: s\nscenarios:\n  s:\n    requests: ['${target.url}/local']\n`,
  );
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  assert.equal((await runDlt(['run', file, '-q', '--out', `json=${a}`])).code, 0);
  assert.equal((await runDlt(['run', file, '-q', '--out', `json=${b}`])).code, 0);
  const r = await runDlt(['report', '--from', b, '--baseline', a, '--title', 'local check']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(networkReferences(r.stdout), []);
  assert.match(r.stdout, /<h1>local check<\/h1>/);
  assert.equal(r.stdout.match(/<svg class="chart"/g)?.length, 4);
  assert.match(r.stdout, /against baseline run <code>a.json<\/code>/);
  const csv = await runDlt(['report', '--from', b, '--format', 'csv']);
  assert.match(csv.stdout.split('\r\n')[1], /^total,all,20,0,/);
  const bad = await runDlt(['report', '--from', file]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--from: .*cannot read a JSON summary/);
  const none = await runDlt(['report']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /give a RUN_ID or --from FILE/);
});
