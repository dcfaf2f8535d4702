/** Medians, derived costs and ratios, from hand-made run records. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessCost } from './measure.ts';
import type { ToolResult } from './peers.ts';
import { fullRuns, type SuiteName, suites } from './suites.ts';
import { compare, median, type RunRecord, summarizeCase } from './summary.ts';

test('median: odd, even, empty, unsorted', () => {
  const cases: [string, number[], number | undefined][] = [
    ['odd', [3, 1, 2], 2],
    ['even', [4, 1, 3, 2], 2.5],
    ['one', [7], 7],
    ['empty', [], undefined],
  ];
  for (const [name, xs, want] of cases) assert.equal(median(xs), want, name);
});

const all = suites(fullRuns);
const caseOf = (suite: keyof typeof all, id: string) => all[suite].cases.find((c) => c.id === id)!;

function ok(
  caseId: string,
  rep: number,
  requests: number,
  cpu: number,
  extra: Partial<ToolResult> = {},
  suite: SuiteName = 'closed',
): RunRecord {
  const cost: ProcessCost = { userS: cpu / 4, sysS: (cpu * 3) / 4, wallS: 10, maxRssKb: 1000 * rep, exitStatus: 0 };
  return {
    ok: true,
    suite,
    caseId,
    rep,
    result: { requests, rps: requests / 10, errors: 0, ...extra },
    cost,
    targetCpuS: 5,
    otherCpuS: 0.1,
  };
}

test('summarizeCase: medians over the successful runs, the first failure kept', () => {
  const records: RunRecord[] = [
    ok('wrk', 1, 1_000_000, 4),
    { ok: false, suite: 'closed', caseId: 'wrk', rep: 2, error: 'wrk run failed: boom' },
    ok('wrk', 3, 2_000_000, 8, { p99Ms: 1 }),
    ok('wrk', 4, 3_000_000, 9, { p99Ms: 3 }),
    ok('autocannon', 1, 5, 5),
  ];
  const s = summarizeCase(caseOf('closed', 'wrk'), records);
  assert.equal(s.runs, 3);
  assert.equal(s.failed, 1);
  assert.equal(s.error, 'wrk run failed: boom');
  assert.deepEqual(s.rps, { median: 200_000, min: 100_000, max: 300_000 });
  assert.equal(s.cpuS, 8);
  assert.equal(s.userS, 2);
  assert.equal(s.p99Ms, 2, 'median of the runs that report it');
  assert.equal(s.cpuPer10k, 0.04, 'per-run 0.04, 0.04, 0.03 → 0.04');
  assert.equal(s.rssKb, 3000);
});

test('summarizeCase: the same case id in another suite is not mixed in', () => {
  const records = [ok('dlt', 1, 1000, 1), ok('dlt', 1, 9000, 1, {}, 'rate')];
  assert.equal(summarizeCase(caseOf('closed', 'dlt'), records).requests, 1000);
  assert.equal(summarizeCase(caseOf('rate', 'dlt'), records).requests, 9000);
});

test('summarizeCase: a case with only failures has no numbers', () => {
  const s = summarizeCase(caseOf('closed', 'dlt'), [
    { ok: false, suite: 'closed', caseId: 'dlt', rep: 1, error: 'dlt run failed: x' },
  ]);
  assert.equal(s.runs, 0);
  assert.equal(s.rps, undefined);
  assert.equal(s.error, 'dlt run failed: x');
});

test('compare closed: ratios to wrk and autocannon, marginal cost, a missing tool explained', () => {
  const records: RunRecord[] = [
    ok('wrk', 1, 2_000_000, 10),
    ok('wrk 3s', 1, 600_000, 3.3),
    ok('autocannon', 1, 1_000_000, 11),
    ok('autocannon 3s', 1, 300_000, 4),
    ok('dlt', 1, 1_000_000, 10),
    ok('dlt 3s', 1, 300_000, 3.7),
  ];
  const summaries = all.closed.cases.map((c) => summarizeCase(c, records));
  const rows = compare('closed', summaries);
  const rps = rows.find((r) => r.metric === 'req/s')!;
  assert.equal(rps.dltOverWrk, 0.5);
  assert.equal(rps.dltOverAutocannon, 1);
  const marginal = rows.find((r) => r.metric === 'cpu-s per 10k req, marginal')!;
  assert.ok(Math.abs(marginal.values.dlt! - 0.09) < 1e-9, `dlt marginal ${marginal.values.dlt}`);
  assert.ok(Math.abs(marginal.values.autocannon! - 0.1) < 1e-9);
  assert.ok(Math.abs(marginal.dltOverAutocannon! - 0.9) < 1e-9);

  const noDlt = records
    .filter((r) => !r.caseId.startsWith('dlt'))
    .concat({ ok: false, suite: 'closed', caseId: 'dlt', rep: 1, error: 'dlt run failed: no CLI' });
  const rows2 = compare(
    'closed',
    all.closed.cases.map((c) => summarizeCase(c, noDlt)),
  );
  assert.equal(rows2[0].values.dlt, undefined);
  assert.equal(rows2[0].missing.dlt, 'dlt run failed: no CLI');
  assert.equal(rows2[0].dltOverWrk, undefined);
});

test('compare idle: memory per connection uses the measured connection counts', () => {
  const idle = (caseId: string, rssKb: number, conns: number): RunRecord => ({
    ok: true,
    suite: 'idle',
    caseId,
    rep: 1,
    result: { requests: conns * 10, rps: conns, errors: 0 },
    cost: { userS: 1, sysS: 1, wallS: 10, maxRssKb: rssKb, exitStatus: 0 },
    targetCpuS: 1,
    otherCpuS: 0,
    peakConnections: conns,
  });
  const records = [
    idle('autocannon 2000', 100_000, 2000),
    idle('autocannon 10000', 260_000, 10_000),
    idle('dlt 2000', 80_000, 2000),
    // dlt opened only half of the connections: the slope uses what was really open.
    idle('dlt 10000', 120_000, 6000),
  ];
  const rows = compare(
    'idle',
    all.idle.cases.map((c) => summarizeCase(c, records)),
  );
  const kb = rows.find((r) => r.metric === 'KB per connection')!;
  assert.deepEqual(kb.values, { autocannon: 20, dlt: 10 });
  assert.equal(kb.dltOverAutocannon, 0.5);
  assert.equal(rows.find((r) => r.metric === 'peak connections, many')!.values.dlt, 6000);
});

test('compare workers: the scaling of req/s from 1 to 2 workers', () => {
  const records = [
    ok('dlt workers=1', 1, 500_000, 10, {}, 'workers'),
    ok('dlt workers=2', 1, 800_000, 19, {}, 'workers'),
  ];
  const rows = compare(
    'workers',
    all.workers.cases.map((c) => summarizeCase(c, records)),
  );
  assert.equal(rows[0].values.dlt, 1.6);
  // cpu/10k: 10 / 50 = 0.2 with one worker, 19 / 80 = 0.2375 with two.
  assert.equal(rows[1].metric, 'cpu-s per 10k req, workers=2 ÷ workers=1');
  assert.equal(rows[1].values.dlt, 1.1875);
});

test('compare rate: the steady-state share of a core from the long and short runs', () => {
  const records = [
    ok('dlt', 1, 20_000, 2.2, {}, 'rate'),
    ok('dlt 3s', 1, 6_000, 0.8, {}, 'rate'),
    ok('autocannon', 1, 20_000, 1.5, {}, 'rate'),
    ok('autocannon 3s', 1, 6_000, 0.8, {}, 'rate'),
  ];
  const rows = compare(
    'rate',
    all.rate.cases.map((c) => summarizeCase(c, records)),
  );
  const steady = rows.find((r) => r.metric === '% of a core, steady (marginal)')!;
  // (2.2 − 0.8) cpu-s over (10 − 3) s is 20 % of a core; autocannon (1.5 − 0.8) / 7 is 10 %.
  assert.ok(Math.abs(steady.values.dlt! - 20) < 1e-9);
  assert.ok(Math.abs(steady.dltOverAutocannon! - 2) < 1e-9);
});
