/** The closed-model executors against a real loopback target, through `runTest`. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { VuContext } from '@dlt/model';
import { runTest } from '../run.ts';
import { CollectingSink, getOnce, oneExecutor, specBase, type Target, target } from '../test-kit.ts';

let fast: Target;
before(async () => {
  fast = await target();
});
after(() => fast.close());

test('shared-iterations: 10 VUs share exactly 1,000 iterations', async () => {
  const sink = new CollectingSink();
  const before = fast.count();
  const spec = {
    ...specBase,
    executor: 'shared-iterations',
    vus: 10,
    iterations: 1000,
    maxDurationMs: 20_000,
  } as const;
  const result = await runTest(oneExecutor(spec, getOnce(fast.url)), { sink });
  assert.equal(fast.count() - before, 1000, 'requests counted at the target');
  assert.equal(sink.samples.length, 1000);
  assert.equal(sink.iterations.length, 1000);
  assert.equal(result.scenarios[0].iterations, 1000);
  assert.equal(result.interrupted, false);
  assert.ok(
    sink.samples.every((s) => s.status === 200 && s.intendedAt === s.startedAt),
    'closed model: intended = started',
  );
});

test('per-vu-iterations: 5 VUs × 7 iterations = 35, 7 each', async () => {
  const sink = new CollectingSink();
  const before = fast.count();
  const perVu = new Map<number, number>();
  const program = {
    iteration: async (ctx: VuContext) => {
      perVu.set(ctx.vu, (perVu.get(ctx.vu) ?? 0) + 1);
      await ctx.send({ label: 'get', method: 'GET', url: fast.url });
    },
  };
  const spec = { ...specBase, executor: 'per-vu-iterations', vus: 5, iterations: 7, maxDurationMs: 20_000 } as const;
  await runTest(oneExecutor(spec, program), { sink });
  assert.equal(fast.count() - before, 35);
  assert.deepEqual([...perVu.values()], [7, 7, 7, 7, 7]);
});

test('constant-vus: loops for its duration, then stops', async () => {
  const sink = new CollectingSink();
  const spec = { ...specBase, executor: 'constant-vus', vus: 5, durationMs: 600 } as const;
  const result = await runTest(oneExecutor(spec, getOnce(fast.url)), { sink });
  const elapsed = result.endedAt - result.startedAt;
  assert.ok(Math.abs(elapsed - 600) <= 100, `ran ${elapsed} ms`);
  const atEnd = fast.count();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(fast.count(), atEnd, 'no request after the end');
  assert.ok(sink.samples.length > 50, `only ${sink.samples.length} requests`);
  assert.ok(
    sink.samples.every((s) => s.startedAt - result.startedAt < 600),
    'no iteration started after the duration',
  );
  assert.equal(sink.iterations.filter((i) => i.interrupted).length, 0);
  assert.deepEqual(sink.vus.at(-1), { at: sink.vus.at(-1)?.at, active: 0 });
});

test('constant-vus with iterations per VU ends when every VU is done', async () => {
  const sink = new CollectingSink();
  const before = fast.count();
  const spec = { ...specBase, executor: 'constant-vus', vus: 3, durationMs: 10_000, iterationsPerVu: 4 } as const;
  const result = await runTest(oneExecutor(spec, getOnce(fast.url)), { sink });
  assert.equal(fast.count() - before, 12);
  assert.ok(result.endedAt - result.startedAt < 2000);
});

test('gracefulStop: an iteration that outlives it is interrupted; one that ends within it is not', async (t) => {
  const slow = await target((_req, res, n) => {
    if (n === 1) setTimeout(() => res.end('late'), 150);
    // The second request is never answered.
  });
  t.after(() => slow.close());
  const cases = [
    { name: 'ends within the grace', durationMs: 50, gracefulStopMs: 1000, interrupted: false, endsMs: 150 },
    { name: 'outlives the grace', durationMs: 100, gracefulStopMs: 300, interrupted: true, endsMs: 400 },
  ];
  for (const c of cases) {
    const sink = new CollectingSink();
    const spec = {
      ...specBase,
      executor: 'constant-vus',
      vus: 1,
      durationMs: c.durationMs,
      gracefulStopMs: c.gracefulStopMs,
    } as const;
    const result = await runTest(oneExecutor(spec, getOnce(slow.url)), { sink });
    assert.equal(sink.iterations.length, 1, c.name);
    assert.equal(sink.iterations[0].interrupted, c.interrupted, c.name);
    assert.equal(result.scenarios[0].interrupted, c.interrupted ? 1 : 0, c.name);
    assert.equal(sink.samples.length, c.interrupted ? 0 : 1, `${c.name}: an interrupted request is no sample`);
    const elapsed = result.endedAt - result.startedAt;
    assert.ok(elapsed >= c.endsMs - 20 && elapsed < c.endsMs + 150, `${c.name}: ended after ${elapsed} ms`);
  }
});

test('ramping-vus: the active VUs follow the stages', async () => {
  const sink = new CollectingSink();
  const seen: { at: number; active: number }[] = [];
  const spec = {
    ...specBase,
    executor: 'ramping-vus',
    startVus: 0,
    gracefulRampDownMs: 0,
    stages: [
      { durationMs: 300, target: 3 },
      { durationMs: 300, target: 3 },
      { durationMs: 300, target: 0 },
    ],
  } as const;
  const result = await runTest(oneExecutor(spec, getOnce(fast.url)), {
    sink,
    onVus: (active) => seen.push({ at: performance.now(), active }),
  });
  const activeAt = (ms: number) => seen.filter((s) => s.at - result.startedAt <= ms).at(-1)?.active ?? 0;
  const cases = [
    { atMs: 50, want: 0 },
    { atMs: 150, want: 1 },
    { atMs: 250, want: 2 },
    { atMs: 450, want: 3 },
    { atMs: 600, want: 3 },
    { atMs: 750, want: 2 },
    { atMs: 850, want: 1 },
    { atMs: 1000, want: 0 },
  ];
  for (const c of cases) assert.equal(activeAt(c.atMs), c.want, `VUs at ${c.atMs} ms`);
  assert.deepEqual(
    seen.map((s) => s.active),
    [1, 2, 3, 2, 1, 0],
  );
  assert.deepEqual(
    sink.vus.map((s) => s.active),
    [1, 2, 3, 2, 1, 0],
    'the sink sees the same counts',
  );
});

test('ramping-vus: a VU removed in a ramp-down is interrupted after gracefulRampDown', async (t) => {
  const hang = await target(() => undefined);
  t.after(() => hang.close());
  const sink = new CollectingSink();
  const spec = {
    ...specBase,
    executor: 'ramping-vus',
    startVus: 2,
    gracefulRampDownMs: 200,
    gracefulStopMs: 100,
    stages: [
      { durationMs: 100, target: 2 },
      { durationMs: 0, target: 1 },
      { durationMs: 500, target: 1 },
    ],
  } as const;
  const result = await runTest(oneExecutor(spec, getOnce(hang.url)), { sink });
  const durations = sink.iterations.map((i) => Math.round(i.durationMs / 50) * 50);
  assert.deepEqual(
    sink.iterations.map((i) => i.interrupted),
    [true, true],
  );
  assert.deepEqual(durations, [300, 700], 'ramp-down at 100 + 200 ms, end at 600 + 100 ms');
  assert.equal(result.interrupted, false);
});

test('ramping-vus: a jump at the start runs every VU it adds', async () => {
  const sink = new CollectingSink();
  const seen = new Set<number>();
  const program = {
    iteration: async (ctx: VuContext) => {
      seen.add(ctx.vu);
      await ctx.send({ label: 'get', method: 'GET', url: fast.url });
    },
  };
  const spec = {
    ...specBase,
    executor: 'ramping-vus',
    startVus: 1,
    gracefulRampDownMs: 5000,
    stages: [
      { durationMs: 0, target: 3 },
      { durationMs: 300, target: 3 },
    ],
  } as const;
  await runTest(oneExecutor(spec, program), { sink });
  assert.equal(seen.size, 3);
  assert.equal(sink.iterations.filter((i) => i.interrupted).length, 0);
});

test('zero-length executors end at once and send nothing', async () => {
  const before = fast.count();
  const cases = [
    { ...specBase, executor: 'constant-vus', vus: 3, durationMs: 0 },
    { ...specBase, executor: 'shared-iterations', vus: 3, iterations: 0, maxDurationMs: 1000 },
    { ...specBase, executor: 'ramping-vus', startVus: 0, gracefulRampDownMs: 0, stages: [] },
  ] as const;
  for (const spec of cases) {
    const result = await runTest(oneExecutor(spec, getOnce(fast.url)), { sink: new CollectingSink() });
    assert.ok(result.endedAt - result.startedAt < 100, `${spec.executor} took ${result.endedAt - result.startedAt} ms`);
  }
  assert.equal(fast.count(), before);
});
