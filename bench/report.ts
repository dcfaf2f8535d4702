/**
 * The printed report: one table of medians per suite, then one table of dlt's ratios to wrk and
 * autocannon. Tables are Markdown, so a run can be pasted into docs/benchmarks.md as it is.
 */
import type { PeerName } from './peers.ts';
import type { Suite } from './suites.ts';
import type { CaseSummary, ComparisonRow } from './summary.ts';

/** Renders rows as a Markdown table with aligned columns. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A number with sensible precision: thousands grouped when large, 3 significant digits when small. */
export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a === 0) return '0';
  return Number(v.toPrecision(3)).toString();
}

function caseRow(c: CaseSummary): string[] {
  const runs = `${c.runs}/${c.runs + c.failed}`;
  if (c.runs === 0) return [c.id, runs, `n/a (${c.error ?? 'no run'})`, '', '', '', '', '', '', '', '', ''];
  const rps = c.rps === undefined ? 'n/a' : `${fmt(c.rps.median)} (${fmt(c.rps.min)}–${fmt(c.rps.max)})`;
  const extra = [
    c.lagP99Ms === undefined ? '' : `lag p99 ${fmt(c.lagP99Ms)} ms`,
    c.peakConnections === undefined ? '' : `${fmt(c.peakConnections)} conns`,
  ].filter((x) => x !== '');
  return [
    c.id,
    runs,
    rps,
    fmt(c.p50Ms),
    fmt(c.p99Ms),
    `${fmt(c.cpuS)} (${fmt(c.userS)}+${fmt(c.sysS)})`,
    fmt(c.cpuPer10k),
    fmt(c.rssKb === undefined ? undefined : c.rssKb / 1024),
    fmt(c.targetCpuS),
    fmt(c.otherCpuS),
    fmt(c.errors),
    extra.join(', '),
  ];
}

const caseHeaders = [
  'case',
  'runs',
  'req/s median (min–max)',
  'p50 ms',
  'p99 ms',
  'cpu-s (user+sys)',
  'cpu-s/10k req',
  'peak RSS MB',
  'nginx cpu-s',
  'other cpu-s',
  'errors',
  'notes',
];

/** The medians of one suite's cases. */
export function suiteTable(suite: Suite, summaries: readonly CaseSummary[]): string {
  const rows = suite.cases.map((c) => summaries.find((s) => s.id === c.id && s.suite === suite.name));
  const present = rows.filter((r): r is CaseSummary => r !== undefined);
  // More than a tenth of a core used by others: the generator and nginx did not have their CPUs.
  const busy = present.some((c) => (c.otherCpuS ?? 0) > 0.1 * (c.wallS ?? Number.POSITIVE_INFINITY));
  const warning = busy ? '\n\n⚠ Other processes used CPU during these runs (other cpu-s): the numbers are noisy.' : '';
  return `## ${suite.title}\n\n${markdownTable(caseHeaders, present.map(caseRow))}\n\n${suite.note}${warning}`;
}

function cell(row: ComparisonRow, tool: PeerName): string {
  const v = row.values[tool];
  if (v !== undefined) return fmt(v);
  return row.missing[tool] === undefined ? 'n/a' : 'n/a ¹';
}

function ratio(v: number | undefined, better: ComparisonRow['better']): string {
  if (v === undefined) return '—';
  const good = better === 'higher' ? v >= 1 : v <= 1;
  return `${fmt(v)}${good ? ' ✓' : ''}`;
}

/** dlt against the peers, metric by metric; ✓ marks a ratio where dlt is at least as good. */
export function comparisonTable(rows: readonly ComparisonRow[]): string {
  const headers = ['suite', 'metric', 'dlt', 'wrk', 'dlt/wrk', 'autocannon', 'dlt/autocannon'];
  const body = rows.map((r) => [
    r.suite,
    `${r.metric} (${r.better} is better)`,
    cell(r, 'dlt'),
    r.suite === 'closed' ? cell(r, 'wrk') : '—',
    ratio(r.dltOverWrk, r.better),
    r.suite === 'workers' ? '—' : cell(r, 'autocannon'),
    ratio(r.dltOverAutocannon, r.better),
  ]);
  // A failed tool's reason would repeat on every row: say it once, under the table.
  const reasons = new Map<string, string>();
  for (const r of rows) for (const [tool, why] of Object.entries(r.missing)) reasons.set(`${r.suite} ${tool}`, why);
  const notes = [...reasons].map(([where, why]) => `¹ ${where}: n/a (${why})`);
  return [`## Ratios (medians)`, markdownTable(headers, body), ...(notes.length > 0 ? [notes.join('\n')] : [])].join(
    '\n\n',
  );
}
