/** The printed tables: number formatting, alignment, n/a rows and their reasons. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonTable, fmt, markdownTable, suiteTable } from './report.ts';
import { quickRuns, suites } from './suites.ts';
import type { CaseSummary, ComparisonRow } from './summary.ts';

test('fmt: grouped thousands, 3 significant digits below 100, n/a for nothing', () => {
  const cases: [number | undefined, string][] = [
    [224162.4, '224,162'],
    [123.6, '124'],
    [0.04321, '0.0432'],
    [1.5, '1.5'],
    [0, '0'],
    [undefined, 'n/a'],
    [Number.NaN, 'n/a'],
  ];
  for (const [v, want] of cases) assert.equal(fmt(v), want, String(v));
});

test('markdownTable: columns padded to the widest cell', () => {
  assert.equal(markdownTable(['a', 'bb'], [['xyz', '1']]), ['| a   | bb |', '| --- | -- |', '| xyz | 1  |'].join('\n'));
});

test('suiteTable: a failed case is an n/a row with its reason', () => {
  const suite = suites(quickRuns).rate;
  const summaries: CaseSummary[] = [
    {
      id: 'autocannon',
      suite: 'rate',
      tool: 'autocannon',
      role: 'main',
      durationS: 3,
      runs: 1,
      failed: 0,
      rps: { median: 2000, min: 1990, max: 2010 },
      cpuS: 0.9,
      userS: 0.6,
      sysS: 0.3,
      p99Ms: 11,
    },
    {
      id: 'dlt',
      suite: 'rate',
      tool: 'dlt',
      role: 'main',
      durationS: 3,
      runs: 0,
      failed: 1,
      error: 'dlt run failed: nope',
    },
  ];
  const text = suiteTable(suite, summaries);
  assert.match(text, /\| autocannon \| 1\/1 +\| 2,000 \(1,990–2,010\) .*\| 0\.9 \(0\.6\+0\.3\)/);
  assert.match(text, /\| dlt +\| 0\/1 +\| n\/a \(dlt run failed: nope\)/);
  assert.match(text, /bursty/);
  assert.doesNotMatch(text, /noisy/);
  const busy = suiteTable(suite, [{ ...summaries[0], otherCpuS: 2, wallS: 10 }]);
  assert.match(busy, /Other processes used CPU during these runs/);
});

test('comparisonTable: ratios marked when dlt is at least as good, reasons once under the table', () => {
  const rows: ComparisonRow[] = [
    {
      suite: 'closed',
      metric: 'req/s',
      better: 'higher',
      values: { wrk: 200_000, autocannon: 90_000, dlt: 100_000 },
      missing: {},
      dltOverWrk: 0.5,
      dltOverAutocannon: 100_000 / 90_000,
    },
    {
      suite: 'rate',
      metric: 'generator cpu-s',
      better: 'lower',
      values: { autocannon: 0.9 },
      missing: { dlt: 'dlt run failed: nope' },
    },
    {
      suite: 'rate',
      metric: 'p99 ms',
      better: 'lower',
      values: { autocannon: 11 },
      missing: { dlt: 'dlt run failed: nope' },
    },
  ];
  const text = comparisonTable(rows);
  assert.match(text, /\| closed \| req\/s \(higher is better\) +\| 100,000 \| 200,000 \| 0\.5 +\| 90,000 +\| 1\.11 ✓/);
  assert.match(text, /\| rate +\| generator cpu-s \(lower is better\) +\| n\/a ¹ +\| — +\| — +\| 0\.9 /);
  assert.equal(text.match(/¹ rate dlt: n\/a \(dlt run failed: nope\)/g)?.length, 1);
});
