/** Table test of the merged ramping-vus timeline (scheduled vs allowed VUs). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RampingVus } from '@dlt/model';
import { rampingVusTimeline, type TimelineEvent } from './ramping-vus-timeline.ts';

const spec = (startVus: number, gracefulRampDownMs: number, ...stages: [number, number][]): RampingVus => ({
  name: 's',
  program: 'p',
  startTimeMs: 0,
  gracefulStopMs: 1000,
  executor: 'ramping-vus',
  startVus,
  gracefulRampDownMs,
  stages: stages.map(([durationMs, target]) => ({ durationMs, target })),
});
const sch = (atMs: number, vus: number): TimelineEvent => ({ atMs, kind: 'scheduled', vus });
const all = (atMs: number, vus: number): TimelineEvent => ({ atMs, kind: 'allowed', vus });

test('rampingVusTimeline: raw steps first on a tie, reservations in between, ends with the raw ramp', () => {
  const cases: { name: string; spec: RampingVus; want: TimelineEvent[] }[] = [
    {
      name: 'drop of one VU with a 200 ms ramp-down',
      spec: spec(2, 200, [100, 2], [0, 1], [500, 1]),
      want: [sch(0, 2), all(0, 2), sch(100, 1), all(300, 1), sch(600, 0)],
    },
    {
      name: 'no ramp-down: allowed follows scheduled',
      spec: spec(2, 0, [100, 2], [0, 1], [500, 1]),
      want: [sch(0, 2), all(0, 2), sch(100, 1), all(100, 1), sch(600, 0)],
    },
    {
      name: 'a jump at 0 lists both raw steps before the allowances; the end is left to the hard stop',
      spec: spec(1, 5000, [0, 3], [300, 3]),
      want: [sch(0, 1), sch(0, 3), all(0, 1), all(0, 3), sch(300, 0)],
    },
  ];
  for (const c of cases) assert.deepEqual(rampingVusTimeline(c.spec), c.want, c.name);
});
