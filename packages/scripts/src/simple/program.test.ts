import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRequest, HttpResponse, PreparedRequest, VuContext } from '@dlt/model';
import { simpleProgram } from './program.ts';
import type { SimpleStep } from './requests.ts';

/** A VU context that records what the program asks of it; `onSend` may act mid-iteration. */
function recordingContext(onSend: (n: number) => void = () => {}) {
  const calls: string[] = [];
  const controller = new AbortController();
  const ctx: VuContext = {
    vu: 1,
    scenario: 'api',
    iteration: 0,
    signal: controller.signal,
    vars: new Map(),
    record() {},
    prepare(request: HttpRequest): PreparedRequest {
      calls.push(`prepare ${request.label}`);
      return { request };
    },
    async send(r: PreparedRequest | HttpRequest): Promise<HttpResponse> {
      const request = 'request' in r ? r.request : r;
      calls.push(`send ${request.label}${'request' in r ? ' (prepared)' : ''}`);
      onSend(calls.filter((c) => c.startsWith('send')).length);
      return {
        status: 200,
        headers: {},
        body: null,
        error: null,
        timings: {} as never,
        bytesSent: 0,
        bytesReceived: 0,
        url: request.url,
      };
    },
    async sleep(ms: number) {
      calls.push(`sleep ${ms}`);
    },
  };
  return { ctx, calls, controller };
}

const step = (label: string, thinkMs = 0): SimpleStep => ({
  request: { label, method: 'GET', url: `http://127.0.0.1:8080/${label}` },
  thinkMs,
});

test('init prepares every request once; each iteration sends them in order with think times', async () => {
  const program = simpleProgram('api', [step('a', 100), step('b'), step('c', 5)]);
  const { ctx, calls } = recordingContext();
  await program.init?.(ctx);
  await program.iteration(ctx);
  await program.iteration(ctx);
  assert.deepEqual(calls, [
    'prepare a',
    'prepare b',
    'prepare c',
    ...['send a (prepared)', 'sleep 100', 'send b (prepared)', 'send c (prepared)', 'sleep 5'],
    ...['send a (prepared)', 'sleep 100', 'send b (prepared)', 'send c (prepared)', 'sleep 5'],
  ]);
});

test('an iteration without init prepares lazily, once', async () => {
  const program = simpleProgram('api', [step('a')]);
  const { ctx, calls } = recordingContext();
  await program.iteration(ctx);
  await program.iteration(ctx);
  assert.deepEqual(calls, ['prepare a', 'send a (prepared)', 'send a (prepared)']);
});

test('an aborted VU stops before the next request and skips the think time', async () => {
  const program = simpleProgram('api', [step('a', 50), step('b'), step('c')]);
  const { ctx, calls, controller } = recordingContext((n) => n === 1 && controller.abort());
  await program.init?.(ctx);
  await program.iteration(ctx);
  assert.deepEqual(calls, ['prepare a', 'prepare b', 'prepare c', 'send a (prepared)']);
});

test('two programs on one VU keep their prepared requests apart', async () => {
  const one = simpleProgram('one', [step('a')]);
  const two = simpleProgram('two', [step('b')]);
  const { ctx, calls } = recordingContext();
  await one.init?.(ctx);
  await two.init?.(ctx);
  await one.iteration(ctx);
  await two.iteration(ctx);
  assert.deepEqual(calls, ['prepare a', 'prepare b', 'send a (prepared)', 'send b (prepared)']);
});

test("the program's VUs share one set of prepared requests", async () => {
  const program = simpleProgram('api', [step('a'), step('b')]);
  const first = recordingContext();
  const second = recordingContext();
  await program.init?.(first.ctx);
  await program.init?.(second.ctx);
  await program.iteration(second.ctx);
  assert.deepEqual(first.calls, ['prepare a', 'prepare b']);
  assert.deepEqual(second.calls, ['send a (prepared)', 'send b (prepared)']);
});
