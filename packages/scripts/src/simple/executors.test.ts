import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutorSpec } from '@dlt/model';
import { compileDefinition } from '../compile.ts';

/** The specs of a one-execution test whose scenario has `requests` requests. */
function specOf(execution: Record<string, unknown>, requests = 1): ExecutorSpec {
  const list = Array.from({ length: requests }, (_, i) => `http://127.0.0.1:8080/${i}`);
  const t = compileDefinition({ execution: [execution], scenarios: { api: { requests: list } } }, { source: 'test' });
  return t.executors[0];
}

const base = { name: 'api', program: 'api', startTimeMs: 0, gracefulStopMs: 30_000 } as const;

test('k6 executors get exactly k6 defaults', () => {
  const cases: [name: string, execution: Record<string, unknown>, spec: ExecutorSpec][] = [
    [
      'constant-vus: vus 1',
      { executor: 'constant-vus', duration: '10s' },
      { ...base, executor: 'constant-vus', vus: 1, durationMs: 10_000 },
    ],
    [
      'ramping-vus: start-vus 1, graceful-ramp-down 30s',
      {
        executor: 'ramping-vus',
        stages: [
          { duration: '5s', target: 10 },
          { duration: '5s', target: 0 },
        ],
      },
      {
        ...base,
        executor: 'ramping-vus',
        startVus: 1,
        stages: [
          { durationMs: 5_000, target: 10 },
          { durationMs: 5_000, target: 0 },
        ],
        gracefulRampDownMs: 30_000,
      },
    ],
    [
      'shared-iterations: 1 VU, 1 iteration, 10m',
      { executor: 'shared-iterations' },
      { ...base, executor: 'shared-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 },
    ],
    [
      'per-vu-iterations: 1 VU, 1 iteration, 10m',
      { executor: 'per-vu-iterations' },
      { ...base, executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 },
    ],
    [
      'constant-arrival-rate: time-unit 1s, max-vus = pre-allocated-vus',
      { executor: 'constant-arrival-rate', rate: 50, duration: '1m', 'pre-allocated-vus': 20 },
      {
        ...base,
        executor: 'constant-arrival-rate',
        rate: 50,
        timeUnitMs: 1_000,
        durationMs: 60_000,
        preAllocatedVus: 20,
        maxVus: 20,
      },
    ],
    [
      'ramping-arrival-rate: start-rate 0',
      {
        executor: 'ramping-arrival-rate',
        stages: [{ duration: '30s', target: 100 }],
        'pre-allocated-vus': 5,
        'max-vus': 50,
      },
      {
        ...base,
        executor: 'ramping-arrival-rate',
        startRate: 0,
        timeUnitMs: 1_000,
        stages: [{ durationMs: 30_000, target: 100 }],
        preAllocatedVus: 5,
        maxVus: 50,
      },
    ],
    [
      'every option given',
      {
        name: 'spike',
        executor: 'ramping-arrival-rate',
        'start-rate': 10,
        'time-unit': '1m',
        stages: [{ duration: 10, target: 600 }],
        'pre-allocated-vus': '5',
        'max-vus': 9,
        'start-time': '30s',
        'graceful-stop': '5s',
      },
      {
        name: 'spike',
        program: 'api',
        startTimeMs: 30_000,
        gracefulStopMs: 5_000,
        executor: 'ramping-arrival-rate',
        startRate: 10,
        timeUnitMs: 60_000,
        stages: [{ durationMs: 10_000, target: 600 }],
        preAllocatedVus: 5,
        maxVus: 9,
      },
    ],
  ];
  for (const [name, execution, spec] of cases) assert.deepEqual(specOf(execution), spec, name);
});

test('the Taurus form maps onto k6 executors as the table in executors.ts says', () => {
  const cases: [name: string, execution: Record<string, unknown>, requests: number, spec: ExecutorSpec][] = [
    [
      'nothing: the k6 default, 1 VU × 1 iteration',
      {},
      1,
      { ...base, executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 },
    ],
    [
      'concurrency + iterations: loops per thread',
      { concurrency: 4, iterations: 25 },
      1,
      { ...base, executor: 'per-vu-iterations', vus: 4, iterations: 25, maxDurationMs: 600_000 },
    ],
    [
      'concurrency + hold-for',
      { concurrency: 10, 'hold-for': '1m' },
      1,
      { ...base, executor: 'constant-vus', vus: 10, durationMs: 60_000 },
    ],
    [
      'the seed: ramp-up 0m counts as no ramp',
      { concurrency: '10', 'ramp-up': '0m', 'hold-for': '2m' },
      1,
      { ...base, executor: 'constant-vus', vus: 10, durationMs: 120_000 },
    ],
    [
      'concurrency + ramp-up + hold-for',
      { concurrency: 10, 'ramp-up': '30s', 'hold-for': '1m' },
      1,
      {
        ...base,
        executor: 'ramping-vus',
        startVus: 0,
        stages: [
          { durationMs: 30_000, target: 10 },
          { durationMs: 60_000, target: 10 },
        ],
        gracefulRampDownMs: 30_000,
      },
    ],
    [
      'ramp-up alone ramps and ends',
      { concurrency: 3, 'ramp-up': '9s' },
      1,
      {
        ...base,
        executor: 'ramping-vus',
        startVus: 0,
        stages: [{ durationMs: 9_000, target: 3 }],
        gracefulRampDownMs: 30_000,
      },
    ],
    [
      'iterations + hold-for: each VU stops after N',
      { concurrency: 2, 'hold-for': '1m', iterations: 100 },
      1,
      { ...base, executor: 'constant-vus', vus: 2, durationMs: 60_000, iterationsPerVu: 100 },
    ],
    [
      'throughput + hold-for: constant arrival rate, 1 request per iteration',
      { concurrency: 20, throughput: 100, 'hold-for': '1m' },
      1,
      {
        ...base,
        executor: 'constant-arrival-rate',
        rate: 100,
        timeUnitMs: 1_000,
        durationMs: 60_000,
        preAllocatedVus: 20,
        maxVus: 20,
      },
    ],
    [
      'throughput with 4 requests per iteration: 100 iterations per 4 s',
      { concurrency: 20, throughput: 100, 'hold-for': '1m' },
      4,
      {
        ...base,
        executor: 'constant-arrival-rate',
        rate: 100,
        timeUnitMs: 4_000,
        durationMs: 60_000,
        preAllocatedVus: 20,
        maxVus: 20,
      },
    ],
    [
      'throughput + ramp-up + hold-for: ramping arrival rate from 0',
      { concurrency: 8, throughput: 50, 'ramp-up': '10s', 'hold-for': '20s' },
      2,
      {
        ...base,
        executor: 'ramping-arrival-rate',
        startRate: 0,
        timeUnitMs: 2_000,
        stages: [
          { durationMs: 10_000, target: 50 },
          { durationMs: 20_000, target: 50 },
        ],
        preAllocatedVus: 8,
        maxVus: 8,
      },
    ],
  ];
  for (const [name, execution, requests, spec] of cases) assert.deepEqual(specOf(execution, requests), spec, name);
});

test('execution names: the scenario when used once, indexed when reused, explicit names kept', () => {
  const t = compileDefinition(
    {
      execution: [{ scenario: 'a' }, { scenario: 'b' }, { scenario: 'b' }, { scenario: 'a', name: 'warm-up' }],
      scenarios: { a: { requests: ['http://127.0.0.1/'] }, b: { requests: ['http://127.0.0.1/'] } },
    },
    { source: 'test' },
  );
  assert.deepEqual(
    t.executors.map((e) => [e.name, e.program]),
    [
      ['a-0', 'a'],
      ['b-1', 'b'],
      ['b-2', 'b'],
      ['warm-up', 'a'],
    ],
  );
  assert.deepEqual(Object.keys(t.programs).sort(), ['a', 'b']);
});
