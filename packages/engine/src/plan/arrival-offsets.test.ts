/** Table tests of the open-model arrival schedule: counts, first offsets and exact ramps. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConstantArrivalRate, RampingArrivalRate, Stage } from '@dlt/model';
import { arrivalCount, arrivalOffsets } from './arrival-offsets.ts';

const base = { name: 's', program: 'p', startTimeMs: 0, gracefulStopMs: 0, preAllocatedVus: 1, maxVus: 1 } as const;
const constant = (rate: number, timeUnitMs: number, durationMs: number): ConstantArrivalRate => ({
  ...base,
  executor: 'constant-arrival-rate',
  rate,
  timeUnitMs,
  durationMs,
});
const ramping = (startRate: number, timeUnitMs: number, ...pairs: [number, number][]): RampingArrivalRate => ({
  ...base,
  executor: 'ramping-arrival-rate',
  startRate,
  timeUnitMs,
  stages: pairs.map(([ms, target]): Stage => ({ durationMs: ms, target })),
});
const first = (spec: ConstantArrivalRate | RampingArrivalRate, n: number): number[] => {
  const out: number[] = [];
  for (const at of arrivalOffsets(spec)) {
    if (out.length === n) break;
    out.push(Math.round(at * 1000) / 1000);
  }
  return out;
};

test('arrivalCount: exactly the integral of the rate', () => {
  const cases: { name: string; spec: ConstantArrivalRate | RampingArrivalRate; want: number }[] = [
    { name: '500/s for 4 s', spec: constant(500, 1000, 4000), want: 2000 },
    { name: '2,000/s for 1 s', spec: constant(2000, 1000, 1000), want: 2000 },
    { name: 'fractional rate: 0.5/s for 10 s', spec: constant(0.5, 1000, 10_000), want: 5 },
    { name: 'timeUnit 1m: 120/min for 30 s', spec: constant(120, 60_000, 30_000), want: 60 },
    { name: 'rate 0 starts nothing', spec: constant(0, 1000, 10_000), want: 0 },
    { name: 'duration 0 starts nothing', spec: constant(100, 1000, 0), want: 0 },
    { name: 'ramp as constant: 500/s for 4 s', spec: ramping(500, 1000, [4000, 500]), want: 2000 },
    { name: 'ramp 0→10/s over 10 s: a triangle of 50', spec: ramping(0, 1000, [10_000, 10]), want: 50 },
    { name: 'ramp 10→0/s over 10 s', spec: ramping(10, 1000, [10_000, 0]), want: 50 },
    { name: 'up, hold, down', spec: ramping(0, 1000, [2000, 100], [3000, 100], [2000, 0]), want: 100 + 300 + 100 },
    {
      name: 'a rate-0 stage in the middle adds nothing',
      spec: ramping(5, 1000, [2000, 5], [0, 0], [3000, 0], [0, 5], [2000, 5]),
      want: 20,
    },
    { name: 'fractional ramp: 0→3/s over 1 s keeps 1.5, starts 1', spec: ramping(0, 1000, [1000, 3]), want: 1 },
    { name: 'timeUnit 1m ramp: 0→60/min over 2 min', spec: ramping(0, 60_000, [120_000, 60]), want: 60 },
    { name: 'no stages', spec: ramping(100, 1000), want: 0 },
  ];
  for (const c of cases) assert.equal(arrivalCount(c.spec), c.want, c.name);
});

test('arrivalOffsets: when each iteration is intended to start', () => {
  const cases: { name: string; spec: ConstantArrivalRate | RampingArrivalRate; want: number[] }[] = [
    { name: 'constant rate starts at 0', spec: constant(500, 1000, 4000), want: [0, 2, 4, 6] },
    { name: 'timeUnit 1m', spec: constant(2, 60_000, 120_000), want: [0, 30_000, 60_000, 90_000] },
    {
      name: 'ramping at a constant rate: the first when 1 has accrued',
      spec: ramping(4, 1000, [1000, 4]),
      want: [250, 500, 750, 1000],
    },
    {
      name: 'ramp from 0: t = √(2·i·d/b)',
      spec: ramping(0, 1000, [10_000, 10]),
      want: [1414.214, 2000, 2449.49, 2828.427],
    },
    { name: 'rate 0 first stage delays the start', spec: ramping(0, 1000, [1000, 0], [1000, 2]), want: [2000] },
    {
      name: 'a jump (0-length stage) takes effect at once',
      spec: ramping(0, 1000, [1000, 0], [0, 1000], [3, 1000]),
      want: [1001, 1002, 1003],
    },
  ];
  for (const c of cases) assert.deepEqual(first(c.spec, 4), c.want, c.name);
});

test('arrivalOffsets are ordered and stay inside the stages', () => {
  const spec = ramping(3, 1000, [1500, 37], [700, 37], [2300, 1], [0, 90], [900, 12]);
  let last = -1;
  let n = 0;
  for (const at of arrivalOffsets(spec)) {
    assert.ok(at >= last, `offset ${n} goes back in time`);
    last = at;
    n++;
  }
  assert.ok(last <= 5400, `last offset ${last} past the end`);
  // Area: 1.5·(3+37)/2 + 0.7·37 + 2.3·(37+1)/2 + 0.9·(90+12)/2
  assert.equal(n, Math.floor(30 + 25.9 + 43.7 + 45.9));
});

test('striped shares together give exactly the whole schedule, at the same times', () => {
  for (const spec of [constant(7, 1000, 3000), ramping(0, 1000, [2000, 30], [1000, 5])]) {
    const whole = [...arrivalOffsets(spec)];
    for (const count of [2, 3, 5]) {
      const parts = Array.from({ length: count }, (_, index) => [
        ...arrivalOffsets({ ...spec, stripe: { index, count } }),
      ]);
      assert.deepEqual(
        parts.flat().sort((a, b) => a - b),
        whole,
        `${spec.executor} in ${count}`,
      );
      assert.ok(Math.max(...parts.map((p) => p.length)) - Math.min(...parts.map((p) => p.length)) <= 1);
    }
  }
});
