/** A VU on its own: the samples it writes, latency from the intended time, sleep, interrupt. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { isFailure, type VuContext, type VuProgram } from '@dlt/model';
import { createHttpClient } from '../http/index.ts';
import { CollectingSink, type Target, target } from '../test-kit.ts';
import { Vu } from './vu.ts';

let server: Target;
before(async () => {
  server = await target((_req, res) => setTimeout(() => res.end('hello'), 20));
});
after(() => server.close());

const makeVu = (program: VuProgram, sink = new CollectingSink()) => ({
  sink,
  vu: new Vu({ id: 7, scenario: 'checkout', program, client: createHttpClient(), sink }),
});

test('every request is a sample with its instants, timings and bytes', async () => {
  const { vu, sink } = makeVu({
    iteration: async (ctx) => {
      const prepared = ctx.prepare({ label: 'home', method: 'GET', url: server.url });
      await ctx.send(prepared);
      await ctx.send({ label: 'search', method: 'POST', url: server.url, body: 'q=1' });
    },
  });
  assert.equal(await vu.runIteration(), 'done');
  vu.close();
  assert.deepEqual(
    sink.samples.map((s) => [s.label, s.method, s.status, s.error, s.scenario]),
    [
      ['home', 'GET', 200, null, 'checkout'],
      ['search', 'POST', 200, null, 'checkout'],
    ],
  );
  for (const s of sink.samples) {
    assert.equal(s.intendedAt, s.startedAt, 'closed model: intended is started');
    assert.ok(s.startedAt <= s.firstByteAt && s.firstByteAt <= s.endedAt);
    assert.ok(s.endedAt - s.startedAt >= 19, `took ${s.endedAt - s.startedAt} ms`);
    assert.ok(s.bytesSent > 0 && s.bytesReceived > 0);
    assert.ok(s.timings.wait >= 15);
  }
  assert.deepEqual(
    sink.iterations.map((i) => [i.scenario, i.interrupted]),
    [['checkout', false]],
  );
});

test('a late start is charged to the first request only', async () => {
  const { vu, sink } = makeVu({
    iteration: async (ctx) => {
      await ctx.send({ label: 'first', method: 'GET', url: server.url });
      await ctx.send({ label: 'second', method: 'GET', url: server.url });
    },
  });
  await vu.runIteration(performance.now() - 300);
  vu.close();
  const [first, second] = sink.samples;
  assert.ok(Math.abs(first.startedAt - first.intendedAt - 300) < 5, `first lag ${first.startedAt - first.intendedAt}`);
  assert.ok(first.endedAt - first.intendedAt >= 319);
  assert.equal(second.intendedAt, second.startedAt);
});

test('a failed request is a sample with an error kind', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const { vu, sink } = makeVu({
    iteration: async (ctx) => void (await ctx.send({ label: 'down', method: 'GET', url: `http://127.0.0.1:${port}/` })),
  });
  assert.equal(await vu.runIteration(), 'done');
  vu.close();
  assert.deepEqual(
    sink.samples.map((s) => [s.status, s.error, s.firstByteAt === s.endedAt]),
    [[0, 'connect-refused', true]],
  );
});

test('verify fails a sample with error assertion before it is recorded; record adds a sample of its own', async () => {
  const seen: number[] = [];
  const { vu, sink } = makeVu({
    iteration: async (ctx) => {
      const verify = (res: { status: number }) => {
        seen.push(res.status);
        return 'body lacks "welcome"';
      };
      await ctx.send({ label: 'refused', method: 'GET', url: server.url, responseBody: 'text' }, { verify });
      await ctx.send({ label: 'passed', method: 'GET', url: server.url }, { verify: () => null });
      const at = performance.now();
      ctx.record({ ...sink.samples[0], label: 'total', error: null, intendedAt: at, startedAt: at, endedAt: at });
    },
  });
  await vu.runIteration();
  vu.close();
  assert.deepEqual(seen, [200]);
  assert.deepEqual(
    sink.samples.map((s) => [s.label, s.status, s.error, s.errorMessage, s.scenario]),
    [
      ['refused', 200, 'assertion', 'body lacks "welcome"', 'checkout'],
      ['passed', 200, null, undefined, 'checkout'],
      ['total', 200, null, 'body lacks "welcome"', 'checkout'],
    ],
  );
});

test('expected gives the script’s verdict on the status to the sample; absent, the status decides', async () => {
  const { vu, sink } = makeVu({
    iteration: async (ctx) => {
      await ctx.send({ label: 'wanted', method: 'GET', url: server.url }, { expected: (r) => r.status === 200 });
      await ctx.send({ label: 'unwanted', method: 'GET', url: server.url }, { expected: () => false });
      await ctx.send({ label: 'plain', method: 'GET', url: server.url }, { expected: () => undefined });
    },
  });
  await vu.runIteration();
  vu.close();
  assert.deepEqual(
    sink.samples.map((s) => [s.label, s.expected, isFailure(s)]),
    [
      ['wanted', true, false],
      ['unwanted', false, true],
      ['plain', undefined, false],
    ],
  );
});

test('interrupt ends the iteration at once: sleep resolves early, it counts as interrupted', async () => {
  let slept = -1;
  const { vu, sink } = makeVu({
    iteration: async (ctx: VuContext) => {
      const t0 = performance.now();
      await ctx.sleep(10_000);
      slept = performance.now() - t0;
    },
  });
  const running = vu.runIteration();
  setTimeout(() => vu.interrupt(), 50);
  assert.equal(await running, 'interrupted');
  assert.ok(slept >= 45 && slept < 500, `slept ${slept} ms`);
  assert.deepEqual(
    sink.iterations.map((i) => i.interrupted),
    [true],
  );
  // The next iteration runs with a fresh signal.
  const next = vu.runIteration();
  setTimeout(() => vu.interrupt(), 10);
  assert.equal(await next, 'interrupted');
  assert.equal(vu.iterations, 2);
  vu.close();
});

test('sleeps of one length in a row each wait their whole time, also after an interrupted one', async () => {
  const slept: number[] = [];
  const { vu } = makeVu({
    iteration: async (ctx: VuContext) => {
      for (const ms of [30, 30, 30, 15, 30]) {
        const t0 = performance.now();
        await ctx.sleep(ms);
        slept.push(Math.round(performance.now() - t0));
      }
    },
  });
  assert.equal(await vu.runIteration(), 'done');
  const short = slept.filter((ms, i) => ms < [30, 30, 30, 15, 30][i] - 1);
  assert.deepEqual(short, [], `slept ${slept.join(', ')} ms`);
  slept.length = 0;
  const cut = vu.runIteration();
  setTimeout(() => vu.interrupt(), 10);
  assert.equal(await cut, 'interrupted');
  slept.length = 0;
  assert.equal(await vu.runIteration(), 'done');
  assert.ok(slept[0] >= 29, `after an interrupt, slept ${slept.join(', ')} ms`);
  vu.close();
});

test('vars live across iterations; init runs once; a throwing iteration is failed, not fatal', async () => {
  let inits = 0;
  const errors: unknown[] = [];
  const sink = new CollectingSink();
  const vu = new Vu({
    id: 1,
    scenario: 's',
    client: createHttpClient(),
    sink,
    onError: (e) => errors.push(e),
    program: {
      init: (ctx) => {
        inits++;
        ctx.vars.set('n', 0);
      },
      iteration: async (ctx) => {
        ctx.vars.set('n', (ctx.vars.get('n') as number) + 1);
        if (ctx.iteration === 1) throw new Error('boom');
      },
    },
  });
  const outcomes = [await vu.runIteration(), await vu.runIteration(), await vu.runIteration()];
  vu.close();
  assert.deepEqual(outcomes, ['done', 'failed', 'done']);
  assert.equal(inits, 1);
  assert.equal(vu.context.vars.get('n'), 3);
  assert.deepEqual(
    errors.map((e) => (e as Error).message),
    ['boom'],
  );
});
