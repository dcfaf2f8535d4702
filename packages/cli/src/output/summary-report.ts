/** The end-of-test report printed by `dlt run`: per-label table, totals, codes, errors, thresholds. */
import type { LabelSummary, RunSummary } from '@dlt/model';
import { formatBytes, formatClock, formatCount, formatMs, formatRate, type Painter } from './format.ts';
import { renderTable } from './table.ts';

const header = [
  'label',
  'requests',
  'fail',
  'req/s',
  'min',
  'mean',
  'p50',
  'p90',
  'p95',
  'p99',
  'p99.9',
  'max',
  'recv/s',
];

function row(name: string, s: LabelSummary, paint: Painter): string[] {
  const rt = s.responseTime;
  const fail = s.failures > 0 ? paint.red(formatCount(s.failures)) : '0';
  return [
    name,
    formatCount(s.requests),
    fail,
    formatRate(s.rps),
    formatMs(rt.min),
    formatMs(rt.mean),
    formatMs(rt.p50),
    formatMs(rt.p90),
    formatMs(rt.p95),
    formatMs(rt.p99),
    formatMs(rt['p99.9']),
    formatMs(rt.max),
    formatBytes(s.bandwidth),
  ];
}

function counts(title: string, map: Readonly<Record<string, number>>): string | null {
  const entries = Object.entries(map).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return null;
  return `${title}: ${entries.map(([k, v]) => `${k} × ${formatCount(v)}`).join(', ')}`;
}

/** A server run's regions, each merged on its own; absent from `dlt run`'s summary. */
function regionTable(summary: RunSummary, paint: Painter): string[] {
  const regions = Object.entries((summary as { regions?: Readonly<Record<string, RunSummary>> }).regions ?? {});
  if (regions.length < 2) return [];
  regions.sort((a, b) => a[0].localeCompare(b[0]));
  const rows = regions.map(([name, r]) => row(name, r.totals, paint));
  return ['', renderTable(['region', ...header.slice(1)], rows)];
}

/** Renders the summary as the text people read at the end of a run (and each region of a server run's). */
export function renderSummary(summary: RunSummary, paint: Painter): string {
  const labels = Object.entries(summary.labels).sort((a, b) => a[0].localeCompare(b[0]));
  const rows = labels.map(([name, s]) => row(name, s, paint));
  rows.push(row(paint.bold('total'), summary.totals, paint).map((c) => paint.bold(c)));
  const t = summary.totals;
  const failPct = t.requests > 0 ? (100 * t.failures) / t.requests : 0;
  const lines = [
    '',
    paint.bold(`response time (from the intended send time to the last byte), ${formatClock(summary.durationMs)}`),
    renderTable(header, rows),
    ...regionTable(summary, paint),
    '',
    `requests ${formatCount(t.requests)}  failed ${formatCount(t.failures)} (${failPct.toFixed(2)}%)  ` +
      `iterations ${formatCount(summary.iterations)}${summary.droppedIterations > 0 ? paint.yellow(`  dropped ${formatCount(summary.droppedIterations)}`) : ''}  ` +
      `vus max ${summary.vusMax}`,
    `latency (to first byte) p50 ${formatMs(t.latency.p50)}  p95 ${formatMs(t.latency.p95)}  p99 ${formatMs(t.latency.p99)}   ` +
      `connect p50 ${formatMs(t.connectTime.p50)}  p99 ${formatMs(t.connectTime.p99)}`,
    `data received ${formatBytes(t.bytesReceived)}  sent ${formatBytes(t.bytesSent)}`,
  ];
  const lag = summary.scheduleLag;
  if (lag) {
    lines.push(
      `schedule lag (iteration start after its intended time) p50 ${formatMs(lag.p50)}  p99 ${formatMs(lag.p99)}  max ${formatMs(lag.max)}`,
    );
  }
  const codes = counts('status codes', summary.statusCodes);
  if (codes) lines.push(codes);
  const errs = counts('errors', summary.errors);
  if (errs) lines.push(paint.red(errs));
  const th = Object.entries(summary.thresholds);
  if (th.length > 0) {
    lines.push('', paint.bold('thresholds'));
    for (const [key, o] of th) {
      const actual = o.actual === undefined ? '' : paint.dim(`  (actual ${Number(o.actual.toPrecision(6))})`);
      lines.push(o.ok ? paint.green(`  ✓ ${key}`) + actual : paint.red(`  ✗ ${key}`) + actual);
    }
  }
  return `${lines.join('\n')}\n`;
}
