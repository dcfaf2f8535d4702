import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample, Snapshot, TaskResult } from '@dlt/model';
import { taskResultFormat } from '@dlt/model';
import { fakeSample, seeded } from './fake-samples.ts';
import { Histogram } from './histogram.ts';
import { mergeResults } from './merge.ts';
import { mergeSnapshots } from './merge-snapshots.ts';
import { Recorder } from './recorder.ts';
import { summarize } from './summary.ts';

const t0 = 1_700_000_000_000;
const labels = ['home', 'login', 'search'];

/** Samples spread over `seconds` seconds, with varied labels, statuses, errors and connects. */
function workload(n: number, seconds: number, seed: number): { second: number; sample: Sample }[] {
  const rnd = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    const u = rnd();
    const responseMs = u < 0.01 ? rnd() * 20_000 : 1 + rnd() ** 2 * 300;
    const sample = fakeSample({
      label: labels[Math.floor(rnd() * labels.length)],
      responseMs,
      latencyMs: responseMs * 0.7,
      status: u > 0.97 ? 503 : 200,
      error: u > 0.995 ? 'reset' : null,
      connect: i % 40 === 0 ? { dns: rnd(), connect: rnd() * 2, tls: rnd() * 5 } : undefined,
      bytesReceived: Math.floor(rnd() * 5000),
    });
    return { second: Math.floor((i / n) * seconds), sample };
  });
}

/** Replays a workload into `parts` recorders (sample i goes to part pick(i)), ticking them together. */
function record(work: ReturnType<typeof workload>, seconds: number, parts: number, pick: (i: number) => number) {
  const recorders = Array.from({ length: parts }, () => new Recorder({ startedAt: t0, clock: () => t0 }));
  let i = 0;
  for (let s = 0; s < seconds; s++) {
    for (; i < work.length && work[i].second === s; i++) recorders[pick(i)].record(work[i].sample);
    for (const [k, r] of recorders.entries()) {
      r.recordIteration('main', 100 + s + k);
      r.tick(t0 + (s + 1) * 1000);
    }
  }
  return recorders.map((r) => r.result(t0 + seconds * 1000));
}

test('merging the results of 2..6 recorders equals one recorder of all samples, bit for bit', async (t) => {
  const seconds = 5;
  const work = workload(30_000, seconds, 42);
  for (let parts = 2; parts <= 6; parts++) {
    await t.test(`${parts} parts`, () => {
      const rnd = seeded(parts);
      const split = record(work, seconds, parts, () => Math.floor(rnd() * parts));
      // The single recorder gets the same iterations as all the parts together.
      const single = new Recorder({ startedAt: t0, clock: () => t0 });
      let i = 0;
      for (let s = 0; s < seconds; s++) {
        for (; i < work.length && work[i].second === s; i++) single.record(work[i].sample);
        for (let k = 0; k < parts; k++) single.recordIteration('main', 100 + s + k);
        single.tick(t0 + (s + 1) * 1000);
      }
      const whole = single.result(t0 + seconds * 1000);
      const merged = mergeResults(split);
      assert.deepEqual(merged, whole);
      const a = summarize(merged).totals.responseTime;
      const b = summarize(whole).totals.responseTime;
      assert.deepEqual([a.p50, a.p99, a['p99.9'], a.max], [b.p50, b.p99, b['p99.9'], b.max]);
    });
  }
});

test('merging is associative, so results can be merged as they arrive', () => {
  const work = workload(6000, 3, 7);
  const [a, b, c] = record(work, 3, 3, (i) => i % 3);
  assert.deepEqual(mergeResults([mergeResults([a, b]), c]), mergeResults([a, b, c]));
  assert.deepEqual(mergeResults([c, mergeResults([b, a])]), mergeResults([a, b, c]));
});

test('timelines are aligned by second; seconds only one task saw pass through', () => {
  const early = new Recorder({ startedAt: t0, clock: () => t0 });
  const late = new Recorder({ startedAt: t0 + 1000, clock: () => t0 });
  for (let s = 0; s < 3; s++) {
    early.record(fakeSample({ responseMs: 10 }));
    early.setVus(4);
    early.tick(t0 + (s + 1) * 1000);
    late.record(fakeSample({ responseMs: 30 }));
    late.record(fakeSample({ responseMs: 30 }));
    late.setVus(6);
    late.tick(t0 + (s + 2) * 1000);
  }
  const merged = mergeResults([late.result(t0 + 4000), early.result(t0 + 3000)]);
  assert.deepEqual(
    merged.timeline.map((s) => [s.at - t0, s.totals.requests, s.vus]),
    [
      [0, 1, 4],
      [1000, 3, 10],
      [2000, 3, 10],
      [3000, 2, 6],
    ],
  );
  assert.deepEqual([merged.startedAt, merged.endedAt], [t0, t0 + 4000]);
  assert.equal(merged.vusMax, 10, 'the busiest second of both tasks together');
  const both = Histogram.decode(merged.timeline[1].totals.histogram);
  assert.deepEqual([both.count, both.min, both.max], [3, 10, 30.015]);
});

test('mergeSnapshots adds one second of many agents exactly', () => {
  const snaps: Snapshot[] = [];
  const all = new Histogram();
  for (let agent = 0; agent < 4; agent++) {
    const r = new Recorder({ startedAt: t0, clock: () => t0 });
    for (let k = 1; k <= 250; k++) {
      const ms = agent * 250 + k;
      r.record(fakeSample({ label: agent % 2 ? 'odd' : 'even', responseMs: ms, status: ms % 100 ? 200 : 500 }));
      all.recordMs(ms);
    }
    snaps.push(r.tick(t0 + 1000));
  }
  const m = mergeSnapshots(snaps);
  assert.equal(m.totals.requests, 1000);
  assert.deepEqual(m.totals.statusCodes, { 200: 990, 500: 10 });
  assert.deepEqual([m.labels.odd.requests, m.labels.even.requests], [500, 500]);
  assert.equal(m.totals.histogram, all.encode());
  assert.deepEqual([m.totals.responseTime.p99, m.totals.responseTime.max], all.percentiles([99, 100]));
  assert.deepEqual(mergeSnapshots([m]), m);
});

test('merge refuses what it cannot merge', async (t) => {
  const result = new Recorder({ startedAt: t0, clock: () => t0 }).result();
  const cases: { name: string; run: () => unknown; error: RegExp }[] = [
    { name: 'no results', run: () => mergeResults([]), error: /no results/ },
    { name: 'no snapshots', run: () => mergeSnapshots([]), error: /no snapshots/ },
    {
      name: 'a result of another format',
      run: () => mergeResults([result, { ...result, format: 'dlt.task-result/0' } as unknown as TaskResult]),
      error: new RegExp(`results\\[1\\]\\.format: expected ${taskResultFormat}`),
    },
    {
      name: 'a corrupt histogram',
      run: () => mergeResults([result, { ...result, totals: { ...result.totals, latency: 'AAAA' } }]),
      error: /not an HdrHistogram/,
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.throws(c.run, c.error));
});

test('results of 100 tasks with a minute of timeline each merge quickly enough to measure', () => {
  const one = record(workload(20_000, 60, 3), 60, 1, () => 0)[0];
  const results = Array.from({ length: 100 }, () => one);
  const started = performance.now();
  const merged = mergeResults(results);
  const ms = performance.now() - started;
  assert.equal(merged.totals.requests, 100 * 20_000);
  assert.equal(merged.timeline.length, 60);
  // Printed, not asserted: speed belongs to benchmarks.
  console.log(`merged 100 results × 60 s × ${labels.length} labels in ${ms.toFixed(0)} ms`);
});
