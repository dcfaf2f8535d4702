/**
 * The merged live seconds: tasks' snapshots of one second merge exactly per region and in total
 * (a p50 that an average of the parts would get wrong), a second goes out as soon as every task
 * is in it, a late part re-sends it with the same `at`, agents' clocks are corrected, and what a
 * late subscriber is sent adds up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Recorder } from '@dlt/metrics';
import { type Snapshot, zeroTimings } from '@dlt/model';
import { LiveFeed } from '../live-feed.ts';
import { type LiveSecond, RunSeconds } from './run-seconds.ts';

/** One second (starting at `at`) of `n` requests of `ms` each, `failures` of them 500s. */
function second(at: number, n: number, ms: number, failures = 0): Snapshot {
  const rec = new Recorder({ startedAt: at, clock: () => at + 1000 });
  for (let i = 0; i < n; i++) {
    rec.record({
      label: 'home',
      scenario: 's',
      method: 'GET',
      status: i < failures ? 500 : 200,
      error: null,
      intendedAt: at + i,
      startedAt: at + i,
      firstByteAt: at + i + ms / 2,
      endedAt: at + i + ms,
      timings: zeroTimings,
      bytesSent: 10,
      bytesReceived: 100,
    });
  }
  return rec.tick(at + 1000);
}

test('a second merges exactly per region and in total, once every task is in it', () => {
  const sent: LiveSecond[] = [];
  const rs = new RunSeconds('run1', (s) => sent.push(s), { settleMs: 60_000 });
  const at = 1_700_000_000_000;
  rs.add('t0', 'eu', second(at, 100, 4));
  rs.add('t1', 'us', second(at, 300, 20, 30));
  // t1 is new: t0's second went out alone when only t0 was known; t1 re-sends it merged.
  const s = sent.at(-1)!;
  assert.equal(s.at, at);
  assert.equal(s.tasks, 2);
  assert.equal(s.totals.requests, 400);
  assert.equal(s.totals.failures, 30);
  assert.deepEqual(s.totals.statusCodes, { '200': 370, '500': 30 });
  assert.equal(s.regions.eu.totals.requests, 100);
  assert.equal(s.regions.us.totals.requests, 300);
  // 300 of 400 took 20 ms: the merged p50 is 20 ms (an average of the parts' p50s would say 12).
  assert.ok(Math.abs(s.totals.responseTime.p50 - 20) < 0.1, `p50 ${s.totals.responseTime.p50}`);
  assert.equal(s.labels.home.requests, 400);
  assert.equal('histogram' in s.totals, false, 'the stream carries figures, not histograms');

  sent.length = 0;
  rs.add('t0', 'eu', second(at + 1000, 10, 4));
  assert.equal(sent.length, 0, 'waits for t1');
  rs.add('t1', 'us', second(at + 1000, 10, 4));
  assert.equal(sent.length, 1, 'both in: sent at once');
  rs.add('t1', 'us', second(at + 1000, 10, 4));
  assert.equal(sent.length, 1, 'a repeat of a part is ignored');
  rs.close();
});

test('a second waits settleMs for a missing task, and a late part re-sends it', async () => {
  const sent: LiveSecond[] = [];
  const rs = new RunSeconds('run1', (s) => sent.push(s), { settleMs: 30 });
  const at = 1_700_000_010_000;
  rs.add('a', 'eu', second(at - 1000, 1, 1));
  rs.add('b', 'eu', second(at - 1000, 1, 1));
  sent.length = 0;
  rs.add('a', 'eu', second(at, 5, 1));
  assert.equal(sent.length, 0);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(sent.length, 1);
  assert.equal(sent[0].totals.requests, 5);
  rs.add('b', 'eu', second(at, 7, 1));
  assert.equal(sent.length, 2);
  assert.equal(sent[1].at, at);
  assert.equal(sent[1].totals.requests, 12);
  assert.equal(
    rs.history().reduce((n, s) => n + s.totals.requests, 0),
    2 + 12,
  );
  rs.close();
});

test("an agent's clock offset moves its second onto the server's", () => {
  const sent: LiveSecond[] = [];
  const rs = new RunSeconds('run1', (s) => sent.push(s));
  const at = 1_700_000_020_000;
  rs.add('a', 'eu', second(at, 1, 1), 0);
  rs.add('b', 'eu', second(at + 5_000, 1, 1), 5_003);
  assert.equal(sent.at(-1)!.at, at);
  assert.equal(sent.at(-1)!.tasks, 2);
  rs.close();
});

test('parts too late to re-merge still add their counters; old seconds are dropped', () => {
  const sent: LiveSecond[] = [];
  const rs = new RunSeconds('run1', (s) => sent.push(s), { rawSeconds: 2, labelSeconds: 2, maxSeconds: 5 });
  const at = 1_700_000_030_000;
  rs.add('a', 'eu', second(at, 3, 1));
  for (let i = 1; i <= 3; i++) rs.add('a', 'eu', second(at + i * 1000, 1, 1));
  rs.add('b', 'us', second(at, 4, 1));
  const first = rs.history()[0];
  assert.equal(first.totals.requests, 7);
  assert.equal(first.regions.us.totals.requests, 4);
  assert.deepEqual(first.labels, {}, 'labels dropped past labelSeconds');
  for (let i = 4; i <= 10; i++) rs.add('a', 'eu', second(at + i * 1000, 1, 1));
  assert.ok(rs.history()[0].at > at, 'seconds past maxSeconds are gone');
  assert.ok(rs.history().length <= 6);
  rs.close();
});

test('the live feed keeps the merged seconds for late subscribers and flushes them before the end', () => {
  const feed = new LiveFeed({ settleMs: 60_000, keepEndedMs: 10 });
  const at = 1_700_000_040_000;
  const snap = (taskId: string, s: Snapshot) =>
    feed.publish('r', { event: 'snapshot', data: { runId: 'r', taskId, region: 'eu', snapshot: s } });
  snap('a', second(at, 2, 1));
  snap('b', second(at, 3, 1));
  snap('a', second(at + 1000, 4, 1));
  assert.equal(feed.latest().get('r')?.at, at);
  const events: string[] = [];
  feed.subscribe('r', (e) => events.push(e.event === 'second' ? `second ${e.data.totals.requests}` : e.event));
  feed.publish('r', { event: 'status', data: { runId: 'r', testId: 't', status: 'complete' } });
  assert.deepEqual(events, ['second 4', 'status'], 'the waiting second goes out before the final status');
  assert.deepEqual(
    feed.history('r').map((s) => s.totals.requests),
    [5, 4],
  );
  assert.equal(feed.latest().has('r'), false, 'an ended run is no longer live');
  feed.close();
});

test('with the run’s task count known, the first second waits for every task rather than going out partial', () => {
  const sent: LiveSecond[] = [];
  const rs = new RunSeconds('run1', (s) => sent.push(s), { settleMs: 60_000 });
  rs.expect(3);
  const at = 1_700_000_050_000;
  rs.add('a', 'eu', second(at, 1, 1));
  rs.add('b', 'eu', second(at, 1, 1));
  assert.equal(sent.length, 0);
  rs.add('c', 'us', second(at, 1, 1));
  assert.equal(sent.length, 1);
  assert.equal(sent[0].tasks, 3);
  rs.close();
});
