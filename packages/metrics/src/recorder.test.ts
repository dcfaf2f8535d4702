import assert from 'node:assert/strict';
import { test } from 'node:test';
import { otherLabel } from '@dlt/model';
import { fakeSample } from './fake-samples.ts';
import { Histogram } from './histogram.ts';
import { mergeResults } from './merge.ts';
import { Recorder } from './recorder.ts';
import { summarize } from './summary.ts';

const t0 = 1_700_000_000_000;

/** Equal within the histograms' precision (3 significant digits), as HDR reports slot tops. */
function near(actual: readonly number[], expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  for (const [i, a] of actual.entries()) {
    assert.ok(Math.abs(a - expected[i]) <= expected[i] / 1000, `${a} ≉ ${expected[i]}`);
  }
}

/** A recorder on a clock the test moves by hand. */
function recorderAt(start = t0, maxLabels?: number) {
  const clock = { now: start };
  const recorder = new Recorder({ clock: () => clock.now, maxLabels });
  return { recorder, clock };
}

test('a snapshot holds the deltas of the second just ended, per label and in total', () => {
  const { recorder, clock } = recorderAt();
  recorder.record(fakeSample({ label: 'a', responseMs: 10 }));
  recorder.record(fakeSample({ label: 'a', responseMs: 30, status: 500 }));
  recorder.record(fakeSample({ label: 'b', responseMs: 20, error: 'timeout' }));
  recorder.recordIteration('s1', 100);
  recorder.recordDropped('s1', 2);
  clock.now += 1000;
  const first = recorder.tick();
  assert.equal(first.at, t0);
  assert.equal(first.durationMs, 1000);
  assert.deepEqual(
    { requests: first.totals.requests, failures: first.totals.failures, bytes: first.totals.bytesReceived },
    { requests: 3, failures: 2, bytes: 3000 },
  );
  assert.deepEqual(first.totals.statusCodes, { 0: 1, 200: 1, 500: 1 });
  assert.deepEqual(first.totals.errors, { timeout: 1 });
  assert.deepEqual(Object.keys(first.labels).sort(), ['a', 'b']);
  assert.equal(first.labels.a.requests, 2);
  near([first.labels.a.responseTime.max], [30]);
  assert.equal(first.totals.responseTime.min, 10);
  assert.equal(Histogram.decode(first.totals.histogram).count, 3);
  assert.deepEqual([first.iterations, first.droppedIterations], [1, 2]);

  recorder.record(fakeSample({ label: 'b', responseMs: 5 }));
  clock.now += 1000;
  const second = recorder.tick();
  assert.equal(second.at, t0 + 1000);
  assert.equal(second.totals.requests, 1, 'only the new request');
  assert.deepEqual(Object.keys(second.labels), ['b'], 'labels without requests are left out');
  assert.deepEqual([second.iterations, second.droppedIterations], [0, 0]);
  near([second.totals.responseTime.p99], [5]);
});

test('each snapshot names the second holding the middle of its window, never one used before', async (t) => {
  const cases = [
    { name: 'ticks on the second', start: t0, ticks: [1000, 2000, 3000], ats: [0, 1000, 2000] },
    { name: 'ticks a little late', start: t0, ticks: [1004, 2003, 3010], ats: [0, 1000, 2000] },
    { name: 'started mid-second', start: t0 + 400, ticks: [1000, 2000], ats: [0, 1000] },
    { name: 'a tick 600 ms late', start: t0, ticks: [1000, 2600, 3000], ats: [0, 1000, 2000] },
    { name: 'two ticks in one second', start: t0, ticks: [1000, 1100, 2000], ats: [0, 1000, 2000] },
    { name: 'a missed second', start: t0, ticks: [1000, 3000], ats: [0, 2000] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const { recorder } = recorderAt(c.start);
      const ats = c.ticks.map((ms) => recorder.tick(t0 + ms).at - t0);
      assert.deepEqual(ats, c.ats);
    });
  }
});

test('VUs: the count at the tick and the most during the second; vusMax for the test', () => {
  const { recorder, clock } = recorderAt();
  recorder.setVus(5);
  recorder.setVus(12);
  recorder.setVus(8);
  clock.now += 1000;
  const first = recorder.tick();
  assert.deepEqual([first.vus, first.vusMax], [8, 12]);
  recorder.setVus(3);
  clock.now += 1000;
  const second = recorder.tick();
  assert.deepEqual([second.vus, second.vusMax], [3, 8], 'the second starts at the VUs it inherited');
  assert.equal(recorder.result().vusMax, 12);
});

test('the result holds the whole test per label: times from the intended start, connect only when opened', () => {
  const { recorder, clock } = recorderAt();
  recorder.record(
    fakeSample({ label: 'a', responseMs: 50, latencyMs: 40, lateMs: 30, connect: { dns: 1, connect: 2, tls: 3 } }),
  );
  clock.now += 1000;
  recorder.tick();
  recorder.record(fakeSample({ label: 'a', responseMs: 10, latencyMs: 8, bytesSent: 7 }));
  recorder.record(fakeSample({ label: 'b', responseMs: 100, status: 404 }));
  clock.now += 500;
  const r = recorder.result();
  const a = r.labels.a;
  assert.equal(a.requests, 2);
  assert.equal(a.bytesSent, 107);
  near(Histogram.decode(a.responseTime).percentiles([0, 100]), [10, 50]);
  near(Histogram.decode(a.latency).percentiles([0, 100]), [8, 40]);
  const connect = Histogram.decode(a.connectTime);
  near([connect.count, connect.max], [1, 6]);
  assert.deepEqual([r.labels.b.failures, r.labels.b.statusCodes], [1, { 404: 1 }]);
  assert.deepEqual([r.totals.requests, r.totals.failures], [3, 1]);
  assert.equal(Histogram.decode(r.totals.responseTime).count, 3);
  assert.deepEqual([r.startedAt, r.endedAt], [t0, t0 + 1500]);
  assert.equal(r.timeline.length, 2, 'the open second is included');
  assert.equal(r.timeline[1].totals.requests, 2);
  assert.deepEqual(recorder.result(), r, 'reading the result changes nothing');
  assert.equal(recorder.tick().totals.requests, 2, 'the open second was not closed by result()');
});

test('iterations per scenario: completed, interrupted and dropped, with durations of completed ones', () => {
  const { recorder } = recorderAt();
  recorder.recordIteration('browse', 200);
  recorder.recordIteration('browse', 400);
  recorder.recordIteration('browse', 5000, true);
  recorder.recordIteration('buy', 1000);
  recorder.recordDropped('buy');
  recorder.recordDropped('buy', 4);
  const r = recorder.result();
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(r.scenarios).map(([k, s]) => [k, [s.iterations, s.interruptedIterations, s.droppedIterations]]),
    ),
    { browse: [2, 1, 0], buy: [1, 0, 5] },
  );
  assert.deepEqual(
    [r.iterations.iterations, r.iterations.interruptedIterations, r.iterations.droppedIterations],
    [3, 1, 5],
  );
  near(Histogram.decode(r.iterations.iterationDuration).percentiles([0, 100]), [200, 1000]);
  assert.equal(r.timeline.length, 1, 'a second with only iterations is still in the timeline');
});

test('labels past the cap fold into __other__ and are counted', () => {
  const { recorder, clock } = recorderAt(t0, 3);
  for (const label of ['a', 'b', 'c', 'd', 'e', 'd', otherLabel]) recorder.record(fakeSample({ label, responseMs: 1 }));
  clock.now += 1000;
  const snap = recorder.tick();
  assert.deepEqual(Object.keys(snap.labels), ['a', 'b', 'c', otherLabel]);
  assert.equal(snap.labels[otherLabel].requests, 4);
  const r = recorder.result();
  assert.deepEqual(Object.keys(r.labels), ['a', 'b', 'c', otherLabel]);
  assert.equal(r.labels[otherLabel].requests, 4);
  assert.equal(r.foldedLabels, 2, 'd and e; a label literally named __other__ is not a folded one');
  assert.equal(r.totals.requests, 7);
});

test('memory follows labels and seconds, not requests: a million requests make one snapshot', () => {
  const { recorder, clock } = recorderAt();
  const s = fakeSample({ responseMs: 12 });
  for (let i = 0; i < 1_000_000; i++) recorder.record(s);
  clock.now += 1000;
  recorder.tick();
  const r = recorder.result();
  assert.equal(r.timeline.length, 1);
  assert.equal(r.totals.requests, 1_000_000);
  assert.ok(JSON.stringify(r).length < 5_000, 'the result stays small');
});

test('values above one hour are clamped and counted in the result', () => {
  const { recorder } = recorderAt();
  recorder.record(fakeSample({ responseMs: 2 * 3_600_000, latencyMs: 10 }));
  recorder.recordIteration('s', 5 * 3_600_000);
  assert.equal(recorder.result().clampedValues, 2);
});

test('schedule lag: kept for open-model iterations only, merged, and summarised', () => {
  const { recorder } = recorderAt();
  recorder.recordIteration('closed', 10);
  assert.equal(recorder.result().iterations.scheduleLag, undefined, 'no lag for closed-model iterations');
  recorder.recordIteration('open', 10, false, 0.5);
  recorder.recordIteration('open', 10, false, 3);
  recorder.recordIteration('open', 10, true, 7);
  const r = recorder.result();
  assert.equal(r.scenarios.closed.scheduleLag, undefined);
  const lag = r.scenarios.open.scheduleLag;
  assert.ok(lag);
  near(Histogram.decode(lag).percentiles([0, 100]), [0.5, 7]);
  const merged = mergeResults([r, r]);
  assert.equal(Histogram.decode(merged.iterations.scheduleLag ?? '').count, 6);
  const s = summarize(r);
  assert.ok(s.scheduleLag);
  near([s.scheduleLag.max], [7]);
});
