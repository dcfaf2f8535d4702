/** `runTest`: executors side by side, start times, stopping by signal and by the hard cap, bad tests. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Recorder } from '@dlt/metrics';
import { type CompiledTest, DltError, ErrorCode, type VuContext } from '@dlt/model';
import { runTest } from './run.ts';
import type { SampleSink } from './sample-sink.ts';
import { CollectingSink, getOnce, oneExecutor, specBase, type Target, target } from './test-kit.ts';

let server: Target;
before(async () => {
  server = await target();
});
after(() => server.close());

const forever = { ...specBase, executor: 'constant-vus', vus: 5, durationMs: 60_000 } as const;

test('runs executors side by side, each from its start time', async () => {
  const sink = new CollectingSink();
  const test: CompiledTest = {
    source: 'test',
    executors: [
      {
        ...specBase,
        name: 'first',
        program: 'a',
        executor: 'per-vu-iterations',
        vus: 2,
        iterations: 3,
        maxDurationMs: 5000,
      },
      {
        ...specBase,
        name: 'later',
        program: 'b',
        executor: 'shared-iterations',
        vus: 1,
        iterations: 2,
        maxDurationMs: 5000,
        startTimeMs: 300,
      },
    ],
    programs: { a: getOnce(server.url, 'a'), b: getOnce(server.url, 'b') },
    thresholds: [],
    warnings: [],
  };
  const result = await runTest(test, { sink });
  assert.deepEqual(
    result.scenarios.map((s) => [s.name, s.iterations, s.requests]),
    [
      ['first', 6, 6],
      ['later', 2, 2],
    ],
  );
  const later = sink.samples.filter((s) => s.scenario === 'later');
  assert.ok(
    later.every((s) => s.startedAt - result.startedAt >= 300),
    'the later executor waits for its start time',
  );
  assert.deepEqual([...new Set(sink.samples.filter((s) => s.scenario === 'first').map((s) => s.label))], ['a']);
  assert.equal(result.interrupted, false);
  assert.ok(Math.abs(result.epochOffset + result.startedAt - Date.now()) < 5000);
});

test('stops promptly when the signal aborts, interrupting what runs', async () => {
  const sink = new CollectingSink();
  const signal = AbortSignal.timeout(200);
  const t0 = performance.now();
  const result = await runTest(oneExecutor(forever, getOnce(server.url)), { sink, signal });
  const took = performance.now() - t0;
  assert.ok(took < 400, `stopped after ${took} ms`);
  assert.equal(result.interrupted, true);
  // Requests written just before the abort may still reach the server; after that, silence.
  const abortedAt = performance.now() - (took - 200);
  assert.ok(
    sink.samples.every((s) => s.startedAt <= abortedAt + 5),
    'no request started after the abort',
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  const settled = server.count();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(server.count(), settled, 'nothing sent after the end');
  assert.equal(sink.vus.at(-1)?.active, 0);
});

test('an already aborted signal runs nothing', async () => {
  const before = server.count();
  const result = await runTest(oneExecutor(forever, getOnce(server.url)), {
    sink: new CollectingSink(),
    signal: AbortSignal.abort(),
  });
  assert.equal(result.interrupted, true);
  assert.equal(server.count(), before);
});

test('the hard cap ends a run the executors would not end', async () => {
  const result = await runTest(oneExecutor(forever, getOnce(server.url)), {
    sink: new CollectingSink(),
    hardMaxDurationMs: 250,
  });
  const elapsed = result.endedAt - result.startedAt;
  assert.equal(result.interrupted, true);
  assert.ok(elapsed >= 245 && elapsed < 450, `ended after ${elapsed} ms`);
});

test('iteration and init errors are counted, never fatal', async () => {
  const inits: number[] = [];
  const program = {
    init: (ctx: VuContext) => {
      inits.push(ctx.vu);
      if (ctx.vu === 3) throw new Error('bad data file');
    },
    iteration: async (ctx: VuContext) => {
      await ctx.send({ label: 'get', method: 'GET', url: server.url });
      if (ctx.iteration % 2 === 1) throw new Error(`odd iteration ${ctx.iteration}`);
    },
  };
  const spec = { ...specBase, executor: 'per-vu-iterations', vus: 3, iterations: 4, maxDurationMs: 5000 } as const;
  const result = await runTest(oneExecutor(spec, program), { sink: new CollectingSink() });
  assert.deepEqual(inits.sort(), [1, 2, 3], 'init once per VU');
  const [counts] = result.scenarios;
  assert.equal(counts.iterations, 8, 'the VU whose init failed runs nothing');
  assert.equal(counts.errors, 4 + 1);
  assert.equal(counts.firstError, 'bad data file');
});

test('rejects a test whose executor names a missing program', async () => {
  const bad: CompiledTest = { ...oneExecutor(forever, getOnce(server.url)), programs: {} };
  await assert.rejects(runTest(bad, { sink: new CollectingSink() }), (e: unknown) => {
    assert.ok(DltError.is(e));
    assert.equal(e.code, ErrorCode.BadInput);
    assert.equal(e.problems[0].field, 'executors[0].program');
    return true;
  });
});

test('the metrics Recorder is a sink: it gets every request, iteration and VU', async () => {
  const recorder = new Recorder();
  const sink: SampleSink = recorder;
  const spec = { ...specBase, executor: 'per-vu-iterations', vus: 4, iterations: 25, maxDurationMs: 5000 } as const;
  await runTest(oneExecutor(spec, getOnce(server.url)), { sink });
  const result = recorder.result();
  assert.equal(result.totals.requests, 100);
  assert.equal(result.iterations.iterations, 100);
  assert.equal(result.vusMax, 4);
});
