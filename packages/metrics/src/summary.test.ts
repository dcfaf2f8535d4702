import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimeStats } from '@dlt/model';
import { otherLabel } from '@dlt/model';
import { fakeSample } from './fake-samples.ts';
import { Recorder } from './recorder.ts';
import { summarize } from './summary.ts';

const t0 = Date.UTC(2025, 0, 2, 3, 4, 5);

/** Each figure within the histograms' precision (0.1 %) of the expected one. */
function near(actual: TimeStats, expected: Partial<TimeStats>, tolerance = 0.001): void {
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key as keyof TimeStats];
    assert.ok(Math.abs(got - want) <= want * tolerance + 1e-9, `${key}: ${got} ≉ ${want}`);
  }
}

/** 1..1000 ms, one request each, over 10 s: label `uniform`; plus a few labelled `odd` ones. */
function uniformRun() {
  const recorder = new Recorder({ startedAt: t0, clock: () => t0 });
  for (let ms = 1; ms <= 1000; ms++) {
    recorder.record(
      fakeSample({
        label: 'uniform',
        responseMs: ms,
        latencyMs: ms / 2,
        connect: ms % 100 === 0 ? { dns: 1, connect: 2, tls: ms / 100 } : undefined,
        bytesReceived: 2000,
        bytesSent: 50,
        status: ms % 250 === 0 ? 500 : 200,
      }),
    );
    if (ms % 100 === 0) recorder.tick(t0 + ms * 10);
  }
  recorder.record(fakeSample({ label: 'odd', responseMs: 5, error: 'connect-refused' }));
  recorder.recordIteration('main', 1500);
  recorder.recordIteration('main', 2500);
  recorder.recordIteration('main', 9000, true);
  recorder.recordDropped('main', 3);
  recorder.setVus(25);
  return recorder.result(t0 + 10_000);
}

test('summary of 1..1000 ms uniform over 10 s', () => {
  const s = summarize(uniformRun());
  assert.deepEqual(
    [s.startedAt, s.endedAt, s.durationMs],
    ['2025-01-02T03:04:05.000Z', '2025-01-02T03:04:15.000Z', 10_000],
  );
  const u = s.labels.uniform;
  assert.deepEqual([u.requests, u.failures, u.rps, u.bytesReceived, u.bytesSent], [1000, 4, 100, 2_000_000, 50_000]);
  assert.equal(u.bandwidth, 200_000);
  near(u.responseTime, { min: 1, mean: 500.5, p50: 500, p90: 900, p95: 950, p99: 990, 'p99.9': 999, max: 1000 });
  assert.ok(Math.abs(u.responseTime.stdev - 288.675) < 0.5, `stdev ${u.responseTime.stdev}`);
  near(u.latency, { min: 0.5, p50: 250, p99: 495, max: 500 });
  near(u.connectTime, { min: 4, max: 13, p50: 8 }, 0.001);
  assert.deepEqual(u.statusCodes, { 200: 996, 500: 4 });
  assert.deepEqual(u.errors, {});
});

test('totals, status codes, errors, iterations and VUs of the whole run', () => {
  const s = summarize(uniformRun());
  assert.deepEqual([s.totals.requests, s.totals.failures], [1001, 5]);
  assert.equal(s.totals.rps, 100.1);
  assert.deepEqual(s.statusCodes, { 0: 1, 200: 996, 500: 4 });
  assert.deepEqual(s.errors, { 'connect-refused': 1 });
  assert.deepEqual(s.labels.odd.errors, { 'connect-refused': 1 });
  near(s.totals.responseTime, { min: 1, max: 1000 });
  assert.deepEqual([s.iterations, s.interruptedIterations, s.droppedIterations, s.vusMax], [2, 1, 3, 25]);
  near(s.iterationDuration!, { min: 1500, max: 2500, mean: 2000 });
  assert.deepEqual(s.thresholds, {});
  assert.equal(s.warnings, undefined);
});

test('threshold outcomes pass through; warnings name folded labels and clamped values', () => {
  const recorder = new Recorder({ startedAt: t0, clock: () => t0, maxLabels: 1 });
  for (const label of ['a', 'b', 'c']) recorder.record(fakeSample({ label, responseMs: 1 }));
  recorder.record(fakeSample({ label: 'a', responseMs: 5_000_000 }));
  const outcomes = { 'http_req_duration: p(95)<300': { ok: false, actual: 3_600_000 } };
  const s = summarize(recorder.result(t0 + 1000), outcomes);
  assert.deepEqual(s.thresholds, outcomes);
  assert.deepEqual(Object.keys(s.labels), ['a', otherLabel]);
  assert.equal(s.warnings?.length, 2);
  assert.match(s.warnings![0], /2 labels .* __other__/);
  assert.match(s.warnings![1], /2 measurements above 1 h/, 'response time and latency of one request');
});

test('an empty run summarises to zeros, not NaN', () => {
  const s = summarize(new Recorder({ startedAt: t0, clock: () => t0 }).result(t0));
  assert.deepEqual([s.durationMs, s.totals.requests, s.totals.rps, s.totals.bandwidth], [0, 0, 0, 0]);
  assert.deepEqual(Object.values(s.totals.responseTime), Array(9).fill(0));
  assert.deepEqual(s.labels, {});
});
