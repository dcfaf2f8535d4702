/**
 * The console's pure helpers: live snapshots summed per second across tasks and regions, the
 * planned length of a test, CSV export, the tone of a compared change, and number formats.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Snapshot, SnapshotStats } from '@dlt/model';
import { toneOf } from './compare-tone.ts';
import { toCsv } from './csv.ts';
import { duration, ms, num, signed } from './format.ts';
import { LiveSeries } from './live-series.ts';
import { plannedMs } from './plan-length.ts';

function stats(requests: number, failures: number, p95: number): SnapshotStats {
  const rt = { min: 1, mean: p95 / 2, p50: p95 / 2, p90: p95, p95, p99: p95 * 2, max: p95 * 3 };
  return {
    requests,
    failures,
    bytesSent: 0,
    bytesReceived: 0,
    statusCodes: {},
    errors: {},
    responseTime: rt,
    histogram: '',
  };
}

function snap(at: number, requests: number, failures: number, p95: number, vus: number, label = 'home'): Snapshot {
  return {
    at,
    durationMs: 1000,
    totals: stats(requests, failures, p95),
    labels: { [label]: stats(requests, failures, p95) },
    iterations: requests,
    interruptedIterations: 0,
    droppedIterations: 0,
    vus,
    vusMax: vus,
  };
}

describe('LiveSeries', () => {
  test('sums tasks per second, per region, and bounds percentiles by the worst task', () => {
    const s = new LiveSeries();
    s.add('t0', 'local', snap(1000, 100, 1, 10, 5));
    s.add('t1', 'local', snap(1000, 50, 0, 30, 5));
    s.add('t2', 'eu', snap(1000, 20, 2, 5, 2, 'api'));
    s.add('t0', 'local', snap(2000, 80, 0, 12, 5));
    assert.deepEqual(s.regions(), ['eu', 'local']);
    const all = s.points();
    assert.deepEqual(
      all.map((p) => [p.t, p.rps, p.errors, p.vus, p.p95]),
      [
        [1, 170, 3, 12, 30],
        [2, 80, 0, 5, 12],
      ],
    );
    assert.deepEqual(
      s.points('eu').map((p) => [p.t, p.rps]),
      [[1, 20]],
    );
    assert.deepEqual(s.totals(), { requests: 250, failures: 3 });
    assert.deepEqual(
      s.labels().map((l) => [l.label, l.requests, l.failures]),
      [
        ['api', 20, 2],
        ['home', 230, 1],
      ],
    );
  });

  test('a repeated snapshot of a task and second replaces the first, never counts twice', () => {
    const s = new LiveSeries();
    s.add('t0', 'local', snap(1000, 100, 0, 10, 5));
    s.add('t0', 'local', snap(1000, 120, 0, 10, 5));
    assert.deepEqual(s.totals(), { requests: 120, failures: 0 });
    assert.equal(s.points()[0].rps, 120);
  });

  test('keeps only the newest seconds', () => {
    const s = new LiveSeries(3);
    for (let i = 1; i <= 10; i++) s.add('t0', 'local', snap(i * 1000, 1, 0, 1, 1));
    assert.deepEqual(
      s.points().map((p) => p.t),
      [8, 9, 10],
    );
    assert.equal(s.totals().requests, 10);
  });
});

describe('plannedMs', () => {
  const table: [string, unknown, number | undefined][] = [
    ['ramp-up + hold-for', { execution: [{ 'ramp-up': '10s', 'hold-for': '1m' }] }, 70_000],
    [
      'the longest execution, start-time included',
      { execution: [{ 'hold-for': '5s' }, { 'hold-for': '5s', 'start-time': '10s' }] },
      15_000,
    ],
    ['constant-vus', { execution: [{ executor: 'constant-vus', duration: '30s' }] }, 30_000],
    [
      'stages',
      {
        execution: [
          {
            executor: 'ramping-vus',
            stages: [
              { duration: '10s', target: 5 },
              { duration: '5s', target: 0 },
            ],
          },
        ],
      },
      15_000,
    ],
    ['iterations have no planned length', { execution: [{ executor: 'per-vu-iterations', iterations: 3 }] }, undefined],
    [
      'a script test still has one',
      { execution: [{ 'hold-for': '20s', scenario: 'jmx' }], scenarios: { jmx: { script: 'a.jmx' } } },
      20_000,
    ],
    ['not a definition', { execution: 'x' }, undefined],
  ];
  for (const [name, def, want] of table) test(name, () => assert.equal(plannedMs(def), want));
});

describe('toCsv', () => {
  test('quotes what needs it and keeps formulas as text', () => {
    assert.equal(
      toCsv([
        ['a', 'b,c', 'say "hi"'],
        [1, '=SUM(A1)', -2, null],
      ]),
      'a,"b,c","say ""hi"""\r\n1,\'=SUM(A1),-2,\r\n',
    );
  });
});

describe('toneOf', () => {
  const table: [string, number, number | null, string][] = [
    ['p95', 5, 10, 'worse'],
    ['p95', -5, -10, 'better'],
    ['rps', 50, 10, 'better'],
    ['rps', -50, -10, 'worse'],
    ['errorRate', 0.01, null, 'worse'],
    ['p99', 0.1, 0.5, 'same'],
    ['requests', 0, 0, 'same'],
  ];
  for (const [metric, delta, pct, want] of table)
    test(`${metric} ${delta}`, () => assert.equal(toneOf(metric, delta, pct), want));
});

describe('formats', () => {
  test('numbers, times and signs read short and never NaN', () => {
    assert.equal(num(1234.567), '1,234.57');
    assert.equal(num(Number.NaN), '–');
    assert.equal(ms(0.25), '250 µs');
    assert.equal(ms(12.345), '12.3 ms');
    assert.equal(ms(1250), '1.25 s');
    assert.equal(duration(65_000), '1m 05s');
    assert.equal(duration(3_725_000), '1h 2m');
    assert.equal(signed(-3, ' ms'), '−3 ms');
    assert.equal(signed(null), '–');
  });
});
