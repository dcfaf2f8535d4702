/**
 * The seed's results shape with exact values (percentiles of the merged histograms, counts and
 * bytes summed, the true max), the summary per region, and the comparison of two runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeResults, Recorder } from '@dlt/metrics';
import { type TaskResult, zeroTimings } from '@dlt/model';
import { compareSummaries } from '../api/compare.ts';
import { runSummary } from './run-summary.ts';
import { seedResults } from './seed-results.ts';

function resultOf(durationsMs: readonly number[], status = 200): TaskResult {
  const rec = new Recorder({ startedAt: 1_000_000 });
  durationsMs.forEach((ms, i) => {
    rec.record({
      label: 'home',
      scenario: 's',
      method: 'GET',
      status,
      error: null,
      intendedAt: i,
      startedAt: i,
      firstByteAt: i + ms / 2,
      endedAt: i + ms,
      timings: { ...zeroTimings, connect: 1 },
      bytesSent: 1,
      bytesReceived: 10,
    });
  });
  return rec.result(1_010_000);
}

const rowKeys = [
  'throughput',
  'succ',
  'fail',
  'avg_rt',
  'avg_lt',
  'avg_ct',
  'stdev_rt',
  'p0_0',
  'p50_0',
  'p90_0',
  'p95_0',
  'p99_0',
  'p99_9',
  'p100_0',
  'bytes',
  'concurrency',
  'testDuration',
  'rc',
];

test('seed results: every field of R, exact across tasks where averaging would be wrong', () => {
  // Task a: 99 fast requests; task b: 1 slow one. The mean of the two p50s would be 50.5 ms.
  const a = resultOf(Array(99).fill(1));
  const b = resultOf([100], 503);
  const regions = { 'eu-lab': a, 'us-lab': b };
  const out = seedResults(mergeResults([a, b]), regions);
  assert.deepEqual(Object.keys(out).sort(), ['eu-lab', 'total', 'us-lab']);
  for (const key of [...rowKeys, 'labels']) assert.ok(key in out.total, key);
  for (const key of [...rowKeys, 'label']) assert.ok(key in out.total.labels[0], `label ${key}`);
  assert.equal(out.total.throughput, 100);
  assert.equal(out.total.fail, 1);
  assert.equal(out.total.bytes, '1000');
  assert.equal(out.total.p50_0, '0.001000');
  assert.ok(Math.abs(Number(out.total.p100_0) - 0.1) < 0.0001, out.total.p100_0);
  assert.deepEqual(out.total.rc, [{ code: '503', count: 1 }]);
  assert.deepEqual(out['eu-lab'].rc, []);
  assert.equal(out.total.testDuration, '10');
});

test('seed results: rc leaves out what the seed does (200, 201, 202, 204, 3xx, 101), and lists a 206 or a 404', () => {
  const codes = [200, 201, 202, 204, 301, 304, 101, 206, 404];
  const out = seedResults(mergeResults(codes.map((c) => resultOf([1], c))), {});
  assert.deepEqual(out.total.rc, [
    { code: '206', count: 1 },
    { code: '404', count: 1 },
  ]);
});

test('summary per region and timeline; compare gives deltas per metric, region and label', () => {
  const base = resultOf(Array(100).fill(10));
  const slower = resultOf(Array(100).fill(20));
  const s1 = runSummary(slower, { lab: slower }, []);
  const s0 = runSummary(base, { lab: base }, []);
  assert.equal(s1.regions.lab.totals.requests, 100);
  assert.ok(s1.timeline.length > 0);
  const cmp = compareSummaries(s1, s0);
  assert.ok(Math.abs(cmp.total.p50.value - 20) < 0.05);
  assert.ok(Math.abs(cmp.total.p50.baseline - 10) < 0.05);
  assert.ok(Math.abs((cmp.total.p50.deltaPercent ?? 0) - 100) < 1);
  assert.equal(cmp.total.requests.delta, 0);
  assert.equal(cmp.total.failures.deltaPercent, null);
  assert.ok(cmp.regions.lab.p99);
  assert.ok(cmp.labels.home.avgResponseTime.delta > 9);
});
