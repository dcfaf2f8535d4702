/**
 * A run's numbers as CSV for spreadsheets: one row per scope (all, each region, each label)
 * with counts and response-time statistics, or one row per second (all, and each region).
 * Cells are quoted when they must be, and a cell that a spreadsheet would read as a formula
 * (a label such as `=cmd()`) is prefixed with `'` so it stays text.
 */
import type { LabelSummary } from '@dlt/model';
import type { ReportSummary } from './report-html.ts';

function cell(v: string | number): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : '';
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const lines = (rows: readonly (readonly (string | number)[])[]) =>
  `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;

const statsHead = [
  'scope',
  'name',
  'requests',
  'failures',
  'error_rate',
  'rps',
  'bytes_received',
  'bytes_sent',
  'rt_min_ms',
  'rt_mean_ms',
  'rt_p50_ms',
  'rt_p90_ms',
  'rt_p95_ms',
  'rt_p99_ms',
  'rt_p99_9_ms',
  'rt_max_ms',
  'rt_stdev_ms',
  'latency_mean_ms',
  'latency_p95_ms',
  'connect_mean_ms',
];

function statsRow(scope: string, name: string, l: LabelSummary): (string | number)[] {
  const t = l.responseTime;
  return [
    scope,
    name,
    l.requests,
    l.failures,
    l.requests > 0 ? l.failures / l.requests : 0,
    l.rps,
    l.bytesReceived,
    l.bytesSent,
    t.min,
    t.mean,
    t.p50,
    t.p90,
    t.p95,
    t.p99,
    t['p99.9'],
    t.max,
    t.stdev,
    l.latency.mean,
    l.latency.p95,
    l.connectTime.mean,
  ];
}

/** Counts and statistics: the whole run, each region, each label. */
export function statsCsv(s: ReportSummary): string {
  return lines([
    statsHead,
    statsRow('total', 'all', s.totals),
    ...Object.entries(s.regions ?? {}).map(([name, r]) => statsRow('region', name, r.totals)),
    ...Object.entries(s.labels).map(([name, l]) => statsRow('label', name, l)),
  ]);
}

/** The per-second timeline: a row for all regions together and one per region, each second. */
export function timelineCsv(s: ReportSummary): string {
  const head = [
    'at',
    'region',
    'requests',
    'failures',
    'vus',
    'rt_mean_ms',
    'rt_p50_ms',
    'rt_p95_ms',
    'rt_p99_ms',
    'rt_max_ms',
  ];
  const rows: (string | number)[][] = [head];
  for (const p of s.timeline ?? []) {
    const at = new Date(p.at).toISOString();
    const t = p.responseTime;
    rows.push([at, 'all', p.requests, p.failures, p.vus, t.mean, t.p50, t.p95, t.p99, t.max]);
    for (const [name, r] of Object.entries(p.regions ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      const rt = r.responseTime;
      rows.push([at, name, r.requests, r.failures, r.vus, rt.mean, rt.p50, rt.p95, rt.p99, rt.max]);
    }
  }
  return lines(rows);
}
