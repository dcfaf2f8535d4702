/** The open-model executors against real loopback targets: rates, drops, and latency from the intended time. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutorSpec } from '@dlt/model';
import { runTest } from '../run.ts';
import { CollectingSink, getOnce, oneExecutor, percentile, specBase, target } from '../test-kit.ts';

test('constant-arrival-rate: 500/s for 4 s sends 2,000 requests (± 1 %), on schedule', async (t) => {
  const server = await target();
  t.after(() => server.close());
  const sink = new CollectingSink();
  const spec = {
    ...specBase,
    executor: 'constant-arrival-rate',
    rate: 500,
    timeUnitMs: 1000,
    durationMs: 4000,
    preAllocatedVus: 20,
    // Room for a burst: a busy machine can hold the scheduler back, then due arrivals start together.
    maxVus: 500,
  } as const;
  const result = await runTest(oneExecutor(spec, getOnce(server.url)), { sink });
  const errors = sink.samples.filter((s) => s.error !== null).length;
  assert.ok(
    Math.abs(server.count() - 2000) <= 20,
    `${server.count()} requests at the target, ${errors} errors, ${JSON.stringify(result.scenarios)}`,
  );
  assert.equal(sink.dropped.get('main') ?? 0, 2000 - sink.samples.length);
  const elapsed = result.endedAt - result.startedAt;
  assert.ok(elapsed >= 3990 && elapsed < 4300, `ran ${elapsed} ms`);
  // Intended times sit on the schedule's 2 ms grid, give or take the program's own time before
  // its first request (not latency; a GC pause can make it long once in a while).
  const offsets = sink.samples.map((s) => s.intendedAt - result.startedAt);
  const onGrid = offsets.filter((o) => Math.abs(o / 2 - Math.round(o / 2)) < 0.1).length;
  assert.ok(onGrid >= 0.99 * offsets.length, `${offsets.length - onGrid} intended times off the 2 ms grid`);
  const lag = percentile(
    sink.samples.map((s) => s.startedAt - s.intendedAt),
    50,
  );
  assert.ok(lag < 10, `median start lag ${lag} ms`);
});

test('ramping-arrival-rate: 0→200/s over 1 s, then 200/s for 0.5 s is exactly 200 iterations', async (t) => {
  const server = await target();
  t.after(() => server.close());
  const sink = new CollectingSink();
  const spec = {
    ...specBase,
    executor: 'ramping-arrival-rate',
    startRate: 0,
    timeUnitMs: 1000,
    stages: [
      { durationMs: 1000, target: 200 },
      { durationMs: 500, target: 200 },
    ],
    preAllocatedVus: 10,
    maxVus: 50,
  } as const;
  const result = await runTest(oneExecutor(spec, getOnce(server.url)), { sink });
  assert.equal(server.count(), 200);
  const inRamp = sink.samples.filter((s) => s.intendedAt - result.startedAt <= 1000.5).length;
  assert.equal(inRamp, 100, 'the triangle of the ramp holds 100');
});

test('arrivals are dropped when every VU is busy and maxVus is reached', async (t) => {
  const slow = await target((_req, res) => setTimeout(() => res.end('slow'), 400));
  t.after(() => slow.close());
  const sink = new CollectingSink();
  const spec = {
    ...specBase,
    executor: 'constant-arrival-rate',
    rate: 100,
    timeUnitMs: 1000,
    durationMs: 1000,
    preAllocatedVus: 2,
    maxVus: 5,
  } as const;
  const result = await runTest(oneExecutor(spec, getOnce(slow.url)), { sink });
  const dropped = sink.dropped.get('main') ?? 0;
  assert.equal(slow.count() + dropped, 100, 'every arrival either started or was dropped');
  assert.ok(dropped >= 80, `${dropped} dropped`);
  assert.equal(result.scenarios[0].dropped, dropped);
  assert.equal(Math.max(...sink.vus.map((v) => v.active)), 5, 'the pool grew to maxVus and no further');
  assert.equal(sink.vus.at(-1)?.active, 0);
});

/**
 * A target that stalls the whole process once, for 1 s, from `stallAtMs` after the first
 * request: every request arriving meanwhile waits until the stall ends. The generator stalls
 * with it (same process), which is the case coordinated omission hides.
 */
async function stallingTarget(stallAtMs: number) {
  let first = 0;
  let stalled = false;
  return target((_req, res) => {
    const now = performance.now();
    first ||= now;
    if (!stalled && now - first >= stallAtMs) {
      stalled = true;
      while (performance.now() - now < 1000) {
        // Busy: nothing else in the process runs for this second.
      }
    }
    res.end('ok');
  });
}

test('a 1 s stall shows in the open model p99 (from the intended time), not in the closed one', async (t) => {
  const responseTimes = async (spec: ExecutorSpec) => {
    const server = await stallingTarget(500);
    t.after(() => server.close());
    const sink = new CollectingSink();
    await runTest(oneExecutor(spec, getOnce(server.url)), { sink });
    return sink.samples.map((s) => s.endedAt - s.intendedAt);
  };
  const open = await responseTimes({
    ...specBase,
    executor: 'constant-arrival-rate',
    rate: 200,
    timeUnitMs: 1000,
    durationMs: 2000,
    preAllocatedVus: 20,
    maxVus: 400,
  });
  const closed = await responseTimes({ ...specBase, executor: 'constant-vus', vus: 2, durationMs: 2000 });
  // Arrivals due in the stall start when it ends, their lateness counted: latencies spread up to
  // 1 s, and with a quarter of the samples in the stall p99 is within 1 % × 2 s of the full second.
  assert.equal(open.length, 400);
  assert.ok(percentile(open, 99) >= 950, `open p99 ${percentile(open, 99)} ms`);
  // Two VUs waited out the stall once each, among thousands of fast requests.
  assert.ok(closed.length > 400, `closed made only ${closed.length} requests`);
  assert.ok(percentile(closed, 99) < 100, `closed p99 ${percentile(closed, 99)} ms`);
  assert.ok(Math.max(...closed) >= 950, 'the closed model did meet the stall');
});

test('an arrival-rate executor lasts its whole duration, not until its last arrival (k6)', async (t) => {
  const server = await target();
  t.after(() => server.close());
  const sink = new CollectingSink();
  // 2 per second for 1.3 s: arrivals at 0, 500 and 1000 ms, then 300 ms with none due.
  const spec = {
    ...specBase,
    executor: 'constant-arrival-rate',
    rate: 2,
    timeUnitMs: 1000,
    durationMs: 1300,
    preAllocatedVus: 1,
    maxVus: 1,
  } as const;
  const result = await runTest(oneExecutor(spec, getOnce(server.url)), { sink });
  assert.equal(server.count(), 3, 'arrivals at 0, 500 and 1000 ms');
  assert.ok(result.endedAt - result.startedAt >= 1290, `ended after ${result.endedAt - result.startedAt} ms`);
});
