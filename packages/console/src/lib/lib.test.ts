/**
 * The console's pure helpers: the live view's merged seconds (total and per region), the
 * planned length of a test, CSV export, the tone of a compared change, and number formats.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LiveSecond, LiveSecondPart, LiveStats } from '@dlt/client';
import { toneOf } from './compare-tone.ts';
import { toCsv } from './csv.ts';
import { duration, ms, num, plural, relative, signed, thresholdValue, typeName } from './format.ts';
import { LiveSeries } from './live-series.ts';
import { plannedMs } from './plan-length.ts';

function stats(requests: number, failures: number, p95: number): LiveStats {
  const rt = { min: 1, mean: p95 / 2, p50: p95 / 2, p90: p95, p95, p99: p95 * 2, max: p95 * 3 };
  return { requests, failures, bytesSent: 0, bytesReceived: 0, statusCodes: {}, errors: {}, responseTime: rt };
}

function part(requests: number, failures: number, p95: number, vus: number, label = 'home'): LiveSecondPart {
  const s = stats(requests, failures, p95);
  return { durationMs: 1000, totals: s, labels: { [label]: s }, iterations: requests, vus, vusMax: vus };
}

/** A merged second as the server sends it: the whole run and each region's part. */
function second(at: number, regions: Record<string, LiveSecondPart>, whole: LiveSecondPart): LiveSecond {
  return { runId: 'r1', at, tasks: Object.keys(regions).length, regions, ...whole };
}

describe('LiveSeries', () => {
  test("shows the server's merged seconds as they are: rates, exact percentiles, VUs, per region", () => {
    const s = new LiveSeries();
    s.add(second(1000, { local: part(150, 1, 30, 10), eu: part(20, 2, 5, 2, 'api') }, part(170, 3, 28, 12)));
    s.add(second(2000, { local: part(80, 0, 12, 5) }, { ...part(80, 0, 12, 5), durationMs: 500 }));
    assert.deepEqual(s.regions(), ['eu', 'local']);
    assert.deepEqual(
      s.points().map((p) => [p.t, p.rps, p.errors, p.vus, p.p95]),
      [
        [1, 170, 3, 12, 28],
        [2, 160, 0, 5, 12],
      ],
      'the merged p95 (28) is shown, not the worst region (30); a short window scales the rate',
    );
    assert.deepEqual(
      s.points('eu').map((p) => [p.t, p.rps, p.p95]),
      [[1, 20, 5]],
    );
    assert.deepEqual(s.totals(), { requests: 250, failures: 3 });
    assert.deepEqual(
      s.labels().map((l) => [l.label, l.requests, l.failures, l.rps, l.p95]),
      [['home', 250, 3, 160, 12]],
    );
  });

  test('a second sent again (a late part merged in) replaces the first, never counts twice', () => {
    const s = new LiveSeries();
    s.add(second(1000, { local: part(100, 0, 10, 5) }, part(100, 0, 10, 5)));
    s.add(second(1000, { local: part(120, 0, 10, 5) }, part(120, 0, 10, 5)));
    assert.deepEqual(s.totals(), { requests: 120, failures: 0 });
    assert.equal(s.points().length, 1);
    assert.equal(s.points()[0].rps, 120);
  });

  test('keeps only the newest seconds for the charts, and every second in the totals', () => {
    const s = new LiveSeries(3);
    for (let i = 1; i <= 10; i++) s.add(second(i * 1000, { local: part(1, 0, 1, 1) }, part(1, 0, 1, 1)));
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
    assert.equal(signed(1003.35, ' %'), '+1,003 %');
    assert.equal(signed(38.44, ' ms'), '+38.4 ms');
    assert.equal(signed(-0.284, ' %'), '−0.28 %');
  });

  test("a threshold's observed value is in its metric's unit", () => {
    assert.equal(thresholdValue('http_req_duration: p(95)<300', 44.159), '44.2 ms');
    assert.equal(thresholdValue('http_req_duration{label:login}: p(99)<900', 1250), '1.25 s');
    assert.equal(thresholdValue('http_req_failed: rate<0.01', 0.5), '50 %');
    assert.equal(thresholdValue('http_reqs: rate>100', 75.5), '76/s');
    assert.equal(thresholdValue('http_reqs: count>10', 3400), '3,400');
    assert.equal(thresholdValue('data_received: count<1000000', 469796), '469.8 kB');
    assert.equal(thresholdValue('my_metric: value<3', 2.5), '2.5');
    assert.equal(thresholdValue('http_req_duration: p(95)<300', undefined), '–');
  });
  test('test types by the names the form uses; counts with their noun', () => {
    assert.equal(typeName('simple'), 'Simple HTTP');
    assert.equal(typeName('jmeter'), 'JMeter');
    assert.equal(typeName('something'), 'something');
    assert.equal(plural(1, 'run'), '1 run');
    assert.equal(plural(1200, 'run'), '1,200 runs');
  });
  test('times in lists read relative to now, the far past as a date', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const at = (s: number) => new Date(now + s * 1000).toISOString();
    assert.equal(relative(at(-10), now), 'just now');
    assert.equal(relative(at(-300), now), '5 min ago');
    assert.equal(relative(at(-3 * 3600), now), '3 h ago');
    assert.equal(relative(at(20 * 60), now), 'in 20 min');
    assert.equal(relative(at(2 * 86400), now), 'in 2 d');
    assert.match(relative(at(-30 * 86400), now), /^2026-01-30 /);
    assert.equal(relative(null, now), '–');
  });
});
