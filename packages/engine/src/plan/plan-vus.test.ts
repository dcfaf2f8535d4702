/** Table tests of the VU plan of every executor, the ramping-vus rows taken from k6's semantics. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutorSpec, RampingVus, Stage } from '@dlt/model';
import { maxDurationMs, type PlanStep, peakVus, planVus, rampingVusSteps, regularDurationMs } from './plan-vus.ts';

const base = { name: 's', program: 'p', startTimeMs: 0, gracefulStopMs: 30_000 } as const;
const s = (secs: number, vus: number): PlanStep => ({ atMs: secs * 1000, vus });
const stages = (...pairs: [number, number][]): Stage[] =>
  pairs.map(([secs, target]) => ({ durationMs: secs * 1000, target }));

/** k6's own example: up, down, up, down, up, hold, jump, hold. */
const example: RampingVus = {
  ...base,
  executor: 'ramping-vus',
  startVus: 4,
  gracefulRampDownMs: 30_000,
  stages: stages([2, 6], [5, 1], [4, 5], [4, 1], [3, 4], [2, 4], [0, 1], [3, 1]),
};
const exampleRaw = [
  ...[4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4].map((vus, secs) => s(secs, vus)),
  s(20, 1),
];

test('rampingVusSteps: the scheduled VUs, step by step', () => {
  const cases: { name: string; spec: Pick<RampingVus, 'startVus' | 'stages'>; zeroEnd?: boolean; want: PlanStep[] }[] =
    [
      { name: 'k6 example without the end', spec: example, zeroEnd: false, want: exampleRaw },
      { name: 'k6 example ends at 0 after the last stage', spec: example, want: [...exampleRaw, s(23, 0)] },
      {
        name: 'jump up then go up again',
        spec: { startVus: 3, stages: stages([0, 5], [2, 7]) },
        want: [s(0, 3), s(0, 5), s(1, 6), s(2, 7), s(2, 0)],
      },
      { name: 'a hold adds no step', spec: { startVus: 2, stages: stages([5, 2]) }, want: [s(0, 2), s(5, 0)] },
      {
        name: 'start at 0, ramp 0→3 over 3 s',
        spec: { startVus: 0, stages: stages([3, 3]) },
        want: [s(0, 0), s(1, 1), s(2, 2), s(3, 3), s(3, 0)],
      },
      {
        name: 'uneven ramp: 0→3 over 1 s',
        spec: { startVus: 0, stages: stages([1, 3]) },
        want: [s(0, 0), { atMs: 1000 / 3, vus: 1 }, { atMs: 2000 / 3, vus: 2 }, s(1, 3), s(1, 0)],
      },
      {
        name: 'ramp to 0 ends where it reaches 0',
        spec: { startVus: 2, stages: stages([2, 0], [3, 0]) },
        want: [s(0, 2), s(1, 1), s(2, 0)],
      },
      { name: 'no stages', spec: { startVus: 1, stages: [] }, want: [s(0, 1), s(0, 0)] },
    ];
  for (const c of cases) assert.deepEqual(rampingVusSteps(c.spec, c.zeroEnd ?? true), c.want, c.name);
});

test('planVus: what each executor needs over time, graceful stop and ramp-down included', () => {
  const cases: { name: string; spec: ExecutorSpec; want: PlanStep[] }[] = [
    {
      name: 'ramping-vus, default 30 s ramp-down',
      spec: example,
      want: [s(0, 4), s(1, 5), s(2, 6), s(33, 5), s(42, 4), s(50, 1), s(53, 0)],
    },
    {
      name: 'ramping-vus, 1 s ramp-down',
      spec: { ...example, gracefulRampDownMs: 1000 },
      want: [4, 5, 6]
        .map((v, i) => s(i, v))
        .concat([
          s(4, 5),
          s(5, 4),
          s(6, 3),
          s(7, 2),
          s(9, 3),
          s(10, 4),
          s(11, 5),
          s(13, 4),
          s(14, 3),
          s(15, 2),
          s(17, 3),
          s(18, 4),
          s(21, 1),
          s(53, 0),
        ]),
    },
    {
      name: 'ramping-vus, no ramp-down: the raw ramp',
      spec: { ...example, gracefulRampDownMs: 0 },
      want: [...exampleRaw, s(53, 0)],
    },
    {
      name: 'ramping-vus, ramp-down past the graceful stop is cut',
      spec: {
        ...base,
        executor: 'ramping-vus',
        startVus: 2,
        gracefulStopMs: 1000,
        gracefulRampDownMs: 5000,
        stages: stages([2, 0]),
      },
      want: [s(0, 2), s(3, 0)],
    },
    {
      name: 'ramping-vus, ramp to 0 with a short ramp-down ends at its last reservation',
      spec: { ...base, executor: 'ramping-vus', startVus: 2, gracefulRampDownMs: 1000, stages: stages([2, 0]) },
      want: [s(0, 2), s(2, 1), s(3, 0)],
    },
    {
      name: 'constant-vus',
      spec: { ...base, executor: 'constant-vus', vus: 10, durationMs: 5000 },
      want: [s(0, 10), s(35, 0)],
    },
    {
      name: 'shared-iterations never plans more VUs than iterations',
      spec: { ...base, executor: 'shared-iterations', vus: 10, iterations: 3, maxDurationMs: 600_000 },
      want: [s(0, 3), s(630, 0)],
    },
    {
      name: 'per-vu-iterations',
      spec: { ...base, executor: 'per-vu-iterations', vus: 5, iterations: 7, maxDurationMs: 10_000, gracefulStopMs: 0 },
      want: [s(0, 5), s(10, 0)],
    },
    {
      name: 'constant-arrival-rate plans its pre-allocated VUs',
      spec: {
        ...base,
        executor: 'constant-arrival-rate',
        rate: 500,
        timeUnitMs: 1000,
        durationMs: 4000,
        preAllocatedVus: 20,
        maxVus: 50,
      },
      want: [s(0, 20), s(34, 0)],
    },
    {
      name: 'ramping-arrival-rate',
      spec: {
        ...base,
        executor: 'ramping-arrival-rate',
        startRate: 0,
        timeUnitMs: 1000,
        stages: stages([2, 10], [3, 0]),
        preAllocatedVus: 1,
        maxVus: 2,
      },
      want: [s(0, 1), s(35, 0)],
    },
  ];
  for (const c of cases) assert.deepEqual(planVus(c.spec), c.want, c.name);
});

test('durations and peak VUs', () => {
  const cases: { name: string; spec: ExecutorSpec; regular: number; max: number; peak: number }[] = [
    { name: 'ramping-vus example', spec: example, regular: 23_000, max: 53_000, peak: 6 },
    {
      name: 'constant-vus',
      spec: { ...base, executor: 'constant-vus', vus: 3, durationMs: 1500, gracefulStopMs: 200 },
      regular: 1500,
      max: 1700,
      peak: 3,
    },
    {
      name: 'shared-iterations',
      spec: { ...base, executor: 'shared-iterations', vus: 2, iterations: 9, maxDurationMs: 1000, gracefulStopMs: 0 },
      regular: 1000,
      max: 1000,
      peak: 2,
    },
    {
      name: 'arrival rate peaks at maxVus',
      spec: {
        ...base,
        executor: 'constant-arrival-rate',
        rate: 1,
        timeUnitMs: 60_000,
        durationMs: 60_000,
        preAllocatedVus: 1,
        maxVus: 4,
      },
      regular: 60_000,
      max: 90_000,
      peak: 4,
    },
  ];
  for (const c of cases) {
    assert.equal(regularDurationMs(c.spec), c.regular, `${c.name}: regular`);
    assert.equal(maxDurationMs(c.spec), c.max, `${c.name}: max`);
    assert.equal(peakVus(c.spec), c.peak, `${c.name}: peak`);
  }
});

test('planVus rejects an unknown executor', () => {
  assert.throws(
    () => planVus({ ...base, executor: 'externally-controlled' } as unknown as ExecutorSpec),
    /unknown executor/,
  );
});
