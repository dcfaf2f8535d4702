/**
 * A run's report as ONE self-contained HTML file: the summary, thresholds and checks, timeline
 * charts (inline SVG drawn by `lineChart`), per-label, per-region and per-status tables, and the
 * comparison with the baseline. Nothing in it reaches the network: the styles are inline, there
 * is no script, and a Content-Security-Policy of `default-src 'none'` says so to the browser too.
 */
import type { LabelSummary, RunSummary } from '@dlt/model';
import { compareSummaries, type MetricDelta } from '../api/compare.ts';
import type { ServerRunSummary, TimelinePoint } from '../results/run-summary.ts';
import { reportCss } from './report-css.ts';
import { bytes, count, duration, esc, ms, pct, rate } from './report-format.ts';
import { lineChart, type Series } from './svg-chart.ts';

/** A run summary as the server keeps it, or as `dlt run --out json` writes it (regions, timeline optional). */
export type ReportSummary = RunSummary & {
  readonly regions?: ServerRunSummary['regions'];
  readonly timeline?: readonly TimelinePoint[];
};

export interface ReportInput {
  /** The test's name (or the file's). */
  readonly title: string;
  readonly testId?: string;
  readonly runId?: string;
  readonly status: string;
  readonly errorReason?: string;
  readonly summary?: ReportSummary;
  readonly baseline?: { readonly runId: string; readonly summary: ReportSummary };
  /** When the report was made, ISO 8601 (now by default). */
  readonly generatedAt?: string;
}

const errorRate = (l: LabelSummary) => (l.requests > 0 ? l.failures / l.requests : 0);

function table(head: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  if (rows.length === 0) return '<p class="empty">none</p>';
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map(
    (r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`,
  );
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

const statsHead = [
  '',
  'requests',
  'failures',
  'error rate',
  'req/s',
  'mean',
  'p50',
  'p90',
  'p95',
  'p99',
  'p99.9',
  'max',
  'received',
];

function statsRow(name: string, l: LabelSummary): string[] {
  const t = l.responseTime;
  return [
    esc(name),
    count(l.requests),
    count(l.failures),
    pct(errorRate(l)),
    rate(l.rps),
    ms(t.mean),
    ms(t.p50),
    ms(t.p90),
    ms(t.p95),
    ms(t.p99),
    ms(t['p99.9']),
    ms(t.max),
    bytes(l.bytesReceived),
  ];
}

function cards(s: ReportSummary): string {
  const t = s.totals;
  const items: [string, string][] = [
    ['requests', count(t.requests)],
    ['requests/s', rate(t.rps)],
    ['error rate', pct(errorRate(t))],
    ['p50', ms(t.responseTime.p50)],
    ['p95', ms(t.responseTime.p95)],
    ['p99', ms(t.responseTime.p99)],
    ['max VUs', count(s.vusMax)],
    ['duration', duration(s.durationMs)],
    ['received', `${bytes(t.bandwidth)}/s`],
  ];
  return `<div class="cards">${items.map(([k, v]) => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div></div>`).join('')}</div>`;
}

function verdicts(s: ReportSummary): string {
  const thresholds = Object.entries(s.thresholds ?? {}).map(([name, o]) => [
    esc(name),
    o.ok ? '<span class="ok">passed</span>' : '<span class="bad">crossed</span>',
    o.actual === undefined ? '' : esc(String(Math.round(o.actual * 1000) / 1000)),
  ]);
  const checks = Object.entries(s.checks ?? {}).map(([name, c]) => [
    esc(name),
    c.fails === 0 ? '<span class="ok">passed</span>' : '<span class="bad">failed</span>',
    count(c.passes),
    count(c.fails),
  ]);
  return [
    '<h3>Thresholds</h3>',
    table(['threshold', 'outcome', 'actual'], thresholds, 'thresholds'),
    ...(checks.length > 0 ? ['<h3>Checks</h3>', table(['check', 'outcome', 'passes', 'fails'], checks, 'checks')] : []),
  ].join('');
}

function charts(s: ReportSummary): string {
  const timeline = s.timeline ?? [];
  if (timeline.length === 0) return '<p class="empty">this run has no per-second timeline</p>';
  const t0 = timeline[0].at;
  const sec = (p: TimelinePoint) => (p.at - t0) / 1000;
  const regions = Object.keys(s.regions ?? {}).sort();
  const perRegion = (read: (r: TimelinePoint['regions'][string]) => number): Series[] =>
    regions.length > 1
      ? regions.map((name) => ({
          name,
          points: timeline.filter((p) => p.regions?.[name]).map((p) => [sec(p), read(p.regions[name])] as const),
        }))
      : [];
  const line = (name: string, read: (p: TimelinePoint) => number): Series => ({
    name,
    points: timeline.map((p) => [sec(p), read(p)] as const),
  });
  return [
    lineChart([line('all', (p) => p.requests), ...perRegion((r) => r.requests)], {
      title: 'Requests per second',
      format: rate,
    }),
    lineChart(
      [
        line('p50', (p) => p.responseTime.p50),
        line('p95', (p) => p.responseTime.p95),
        line('p99', (p) => p.responseTime.p99),
      ],
      { title: 'Response time', format: ms },
    ),
    lineChart([line('all', (p) => p.vus), ...perRegion((r) => r.vus)], {
      title: 'Virtual users',
      format: count,
      integer: true,
    }),
    lineChart([line('all', (p) => p.failures), ...perRegion((r) => r.failures)], {
      title: 'Failures per second',
      format: rate,
    }),
  ].join('');
}

function breakdowns(s: ReportSummary): string {
  const codes = Object.entries(s.statusCodes ?? {}).map(([code, n]) => [
    esc(code === '0' ? 'no response' : code),
    count(n),
  ]);
  const errors = Object.entries(s.errors ?? {}).map(([kind, n]) => [esc(kind), count(n)]);
  return `<div class="two">${table(['status', 'requests'], codes, 'codes')}${table(['error kind', 'requests'], errors, 'errors')}</div>`;
}

const deltaMetrics: readonly [string, string, (v: number) => string][] = [
  ['requests', 'requests', count],
  ['rps', 'requests/s', rate],
  ['errorRate', 'error rate', pct],
  ['avgResponseTime', 'mean', ms],
  ['p50', 'p50', ms],
  ['p95', 'p95', ms],
  ['p99', 'p99', ms],
  ['maxResponseTime', 'max', ms],
];
/** Metrics where a rise is bad (so their rise is coloured as a regression). */
const lowerIsBetter = new Set(['errorRate', 'avgResponseTime', 'p50', 'p95', 'p99', 'maxResponseTime']);

function deltaCell(key: string, d: MetricDelta, fmt: (v: number) => string): string {
  const sign = d.delta > 0 ? '+' : '';
  const worse = lowerIsBetter.has(key) ? d.delta > 0 : d.delta < 0;
  const cls = d.delta === 0 ? '' : worse ? 'bad' : 'ok';
  const p = d.deltaPercent === null ? '' : ` (${sign}${d.deltaPercent.toFixed(1)}%)`;
  return `<span class="${cls}">${esc(`${sign}${fmt(d.delta)}${p}`)}</span>`;
}

function comparison(input: ReportInput): string {
  const s = input.summary;
  const b = input.baseline;
  if (!s || !b) return '<p class="empty">no baseline to compare with</p>';
  if (b.runId === input.runId) return '<p class="empty">this run is the baseline</p>';
  const c = compareSummaries(s as ServerRunSummary, b.summary as ServerRunSummary);
  const rows = deltaMetrics.map(([key, name, fmt]) => {
    const d = c.total[key];
    return [esc(name), esc(fmt(d.value)), esc(fmt(d.baseline)), deltaCell(key, d, fmt)];
  });
  const labelRows = Object.entries(c.labels).map(([label, m]) => [
    esc(label),
    deltaCell('p95', m.p95, ms),
    deltaCell('errorRate', m.errorRate, pct),
    deltaCell('rps', m.rps, rate),
  ]);
  return [
    `<p>against baseline run <code>${esc(b.runId)}</code> (${esc(b.summary.startedAt)})</p>`,
    table(['metric', 'this run', 'baseline', 'change'], rows, 'compare'),
    '<h3>Per label</h3>',
    table(['label', 'p95 change', 'error rate change', 'req/s change'], labelRows, 'compare-labels'),
  ].join('');
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
}

/** The report of one run, as a complete HTML document. */
export function renderReportHtml(input: ReportInput): string {
  const s = input.summary;
  const facts = [
    input.testId ? `test <code>${esc(input.testId)}</code>` : '',
    input.runId ? `run <code>${esc(input.runId)}</code>` : '',
    `status <strong class="${input.status === 'complete' ? 'ok' : 'bad'}">${esc(input.status)}</strong>`,
    s ? `started ${esc(s.startedAt)}` : '',
    s ? `lasted ${esc(duration(s.durationMs))}` : '',
  ].filter(Boolean);
  const body = s
    ? [
        section('summary', 'Summary', cards(s) + verdicts(s)),
        section('timeline', 'Timeline', charts(s)),
        section(
          'labels',
          'Per label',
          table(
            statsHead,
            [statsRow('all', s.totals), ...Object.entries(s.labels).map(([n, l]) => statsRow(n, l))],
            'stats',
          ),
        ),
        section(
          'regions',
          'Per region',
          table(
            statsHead,
            Object.entries(s.regions ?? {}).map(([n, r]) => statsRow(n, r.totals)),
            'stats',
          ),
        ),
        section('responses', 'Status codes and errors', breakdowns(s)),
        section('baseline', 'Compared with the baseline', comparison(input)),
        ...(s.warnings?.length
          ? [section('warnings', 'Warnings', `<ul>${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`)]
          : []),
      ].join('')
    : section('summary', 'Summary', '<p class="empty">this run has no results</p>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dlt">
<title>${esc(`${input.title} — dlt report${input.runId ? ` ${input.runId}` : ''}`)}</title>
<style>${reportCss}</style></head>
<body><header><h1>${esc(input.title)}</h1><p class="facts">${facts.join(' · ')}</p>${input.errorReason ? `<p class="bad">${esc(input.errorReason)}</p>` : ''}</header>
<main>${body}</main>
<footer>made by dlt at ${esc(input.generatedAt ?? new Date().toISOString())}; percentiles from merged histograms</footer>
</body></html>
`;
}
