/**
 * Schedule fields → spec → firings, on fixed instants (no clock): one-time, cron in a time
 * zone across both daylight-saving changes, expiry, legacy recurrences, and every bad field named.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScheduleFields } from '../store/store.ts';
import { firingsBetween, nextFiring } from './next-run.ts';
import { parseSchedule, type ScheduleSpec } from './schedule-spec.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function spec(f: ScheduleFields, nowIso?: string): ScheduleSpec {
  const check = parseSchedule(f, nowIso === undefined ? undefined : at(nowIso));
  if (!check.ok) assert.fail(JSON.stringify(check.problems));
  return check.spec;
}

/** The first `n` firings after `fromIso`. */
function firings(s: ScheduleSpec, fromIso: string, n: number): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let from = at(fromIso);
  for (let i = 0; i < n; i++) {
    const next = nextFiring(s, from);
    out.push(iso(next));
    if (next === undefined) break;
    from = next;
  }
  return out;
}

const firingCases: readonly { name: string; fields: ScheduleFields; from: string; want: (string | undefined)[] }[] = [
  {
    name: 'one time in Tokyo fires once at that wall-clock time',
    fields: { scheduleDate: '2026-06-01', scheduleTime: '10:00', scheduleTimezone: 'Asia/Tokyo' },
    from: '2026-05-01T00:00:00Z',
    want: ['2026-06-01T01:00:00.000Z', undefined],
  },
  {
    name: 'one time defaults to UTC and takes seconds',
    fields: { scheduleDate: '2026-06-01', scheduleTime: '10:00:30' },
    from: '2026-05-01T00:00:00Z',
    want: ['2026-06-01T10:00:30.000Z', undefined],
  },
  {
    name: 'cron in New York keeps 09:00 local when the clocks go forward (8 March 2026)',
    fields: { cronValue: '0 9 * * *', scheduleTimezone: 'America/New_York' },
    from: '2026-03-06T20:00:00Z',
    want: ['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z'],
  },
  {
    name: 'cron at 02:30 in Paris: the skipped hour fires once at 03:00, then 02:30 again',
    fields: { cronValue: '30 2 * * *', scheduleTimezone: 'Europe/Paris' },
    from: '2026-03-27T12:00:00Z',
    want: ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
  },
  {
    name: 'cron at 02:30 in Paris: the repeated hour (25 October) fires once',
    fields: { cronValue: '30 2 * * *', scheduleTimezone: 'Europe/Paris' },
    from: '2026-10-23T12:00:00Z',
    want: ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
  },
  {
    name: 'one time at 02:30 in Paris on the day that hour is skipped fires at 03:00, as cron does',
    fields: { scheduleDate: '2026-03-29', scheduleTime: '02:30', scheduleTimezone: 'Europe/Paris' },
    from: '2026-03-01T00:00:00Z',
    want: ['2026-03-29T01:00:00.000Z', undefined],
  },
  {
    name: 'one time in the repeated hour (25 October in Paris) fires at the first 02:30',
    fields: { scheduleDate: '2026-10-25', scheduleTime: '02:30', scheduleTimezone: 'Europe/Paris' },
    from: '2026-10-01T00:00:00Z',
    want: ['2026-10-25T00:30:00.000Z', undefined],
  },
  {
    name: 'cron stops after the end of its expiry date in its time zone',
    fields: { cronValue: '0 12 * * *', cronExpiryDate: '2026-01-02', scheduleTimezone: 'Europe/Paris' },
    from: '2025-12-31T20:00:00Z',
    want: ['2026-01-01T11:00:00.000Z', '2026-01-02T11:00:00.000Z', undefined],
  },
  {
    name: 'weekly recurrence from a Monday',
    fields: { recurrence: 'weekly', scheduleDate: '2026-01-05', scheduleTime: '08:00' },
    from: '2026-01-01T00:00:00Z',
    want: ['2026-01-05T08:00:00.000Z', '2026-01-12T08:00:00.000Z'],
  },
  {
    name: 'biweekly recurrence skips every other week',
    fields: { recurrence: 'biweekly', scheduleDate: '2026-01-05', scheduleTime: '08:00' },
    from: '2026-01-01T00:00:00Z',
    want: ['2026-01-05T08:00:00.000Z', '2026-01-19T08:00:00.000Z', '2026-02-02T08:00:00.000Z'],
  },
  {
    name: 'monthly recurrence on the 31st passes over shorter months',
    fields: { recurrence: 'monthly', scheduleDate: '2026-01-31', scheduleTime: '23:00' },
    from: '2026-01-01T00:00:00Z',
    want: ['2026-01-31T23:00:00.000Z', '2026-03-31T23:00:00.000Z'],
  },
  {
    name: 'daily recurrence from 02:30 on the day that hour is skipped: 03:00 that day, 02:30 after',
    fields: {
      recurrence: 'daily',
      scheduleDate: '2026-03-29',
      scheduleTime: '02:30',
      scheduleTimezone: 'Europe/Paris',
    },
    from: '2026-03-01T00:00:00Z',
    want: ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z'],
  },
  {
    name: 'daily recurrence in Paris keeps local time across the change',
    fields: {
      recurrence: 'daily',
      scheduleDate: '2026-03-28',
      scheduleTime: '09:00',
      scheduleTimezone: 'Europe/Paris',
    },
    from: '2026-03-01T00:00:00Z',
    want: ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z'],
  },
];

for (const c of firingCases) {
  test(`firings: ${c.name}`, () => {
    assert.deepEqual(firings(spec(c.fields), c.from, c.want.length), c.want);
  });
}

test('firingsBetween counts the firings in a window, both ends included', () => {
  const s = spec({ cronValue: '0 * * * *' });
  const got = firingsBetween(s, at('2026-01-01T00:00:00Z'), at('2026-01-01T03:00:00Z'));
  assert.deepEqual(got.map(iso), [
    '2026-01-01T00:00:00.000Z',
    '2026-01-01T01:00:00.000Z',
    '2026-01-01T02:00:00.000Z',
    '2026-01-01T03:00:00.000Z',
  ]);
  assert.equal(firingsBetween(s, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), 50).length, 50);
});

const now = '2026-05-10T12:00:00Z';
const badCases: readonly { name: string; fields: ScheduleFields; fields_named: string[] }[] = [
  {
    name: 'unknown time zone',
    fields: { cronValue: '0 3 * * *', scheduleTimezone: 'Mars/Olympus' },
    fields_named: ['scheduleTimezone'],
  },
  { name: 'six-field cron', fields: { cronValue: '0 0 3 * * *' }, fields_named: ['cronValue'] },
  { name: 'cron out of range', fields: { cronValue: '61 * * * *' }, fields_named: ['cronValue'] },
  { name: 'cron that never fires', fields: { cronValue: '0 0 30 2 *' }, fields_named: ['cronValue'] },
  {
    name: 'expiry in the past',
    fields: { cronValue: '0 3 * * *', cronExpiryDate: '2026-05-09' },
    fields_named: ['cronExpiryDate'],
  },
  {
    name: 'no firing before the expiry',
    fields: { cronValue: '0 3 1 1 *', cronExpiryDate: '2026-06-01' },
    fields_named: ['cronExpiryDate'],
  },
  {
    name: 'a one-time firing after the expiry',
    fields: { scheduleDate: '2026-06-10', scheduleTime: '10:00', cronExpiryDate: '2026-06-01' },
    fields_named: ['cronExpiryDate'],
  },
  {
    name: 'a recurrence starting after the expiry',
    fields: { recurrence: 'weekly', scheduleDate: '2026-06-10', scheduleTime: '10:00', cronExpiryDate: '2026-06-09' },
    fields_named: ['cronExpiryDate'],
  },
  {
    name: 'a day that does not exist',
    fields: { scheduleDate: '2026-02-30', scheduleTime: '10:00' },
    fields_named: ['scheduleDate'],
  },
  {
    name: 'a time that does not exist',
    fields: { scheduleDate: '2026-06-01', scheduleTime: '24:00' },
    fields_named: ['scheduleTime'],
  },
  {
    name: 'a date without a time',
    fields: { scheduleStep: 'start', scheduleDate: '2026-06-01' },
    fields_named: ['scheduleTime'],
  },
  { name: 'nothing to go by', fields: { scheduleStep: 'create' }, fields_named: ['scheduleDate', 'scheduleTime'] },
  { name: 'a past day', fields: { scheduleDate: '2026-05-09', scheduleTime: '23:00' }, fields_named: ['scheduleDate'] },
  {
    name: 'earlier today',
    fields: { scheduleDate: '2026-05-10', scheduleTime: '11:59' },
    fields_named: ['scheduleTime'],
  },
  {
    name: 'a past day in the schedule time zone (already the 11th on Kiritimati)',
    fields: { scheduleDate: '2026-05-10', scheduleTime: '23:00', scheduleTimezone: 'Pacific/Kiritimati' },
    fields_named: ['scheduleDate'],
  },
  {
    name: 'a recurrence starting in the past',
    fields: { recurrence: 'daily', scheduleDate: '2026-05-01', scheduleTime: '10:00' },
    fields_named: ['scheduleDate'],
  },
  {
    name: 'an unknown recurrence and missed policy',
    fields: { recurrence: 'hourly', scheduleDate: '2026-06-01', scheduleTime: '10:00', scheduleMissed: 'always' },
    fields_named: ['scheduleMissed', 'recurrence'],
  },
];

for (const c of badCases) {
  test(`refused: ${c.name}`, () => {
    const check = parseSchedule(c.fields, at(now));
    assert.equal(check.ok, false);
    if (check.ok) return;
    assert.deepEqual(
      check.problems.map((p) => p.field),
      c.fields_named,
    );
  });
}

test('without a clock, a past one-time schedule is read (the scheduler re-reads stored ones)', () => {
  const s = spec({ scheduleDate: '2020-01-01', scheduleTime: '10:00' });
  assert.equal(nextFiring(s, at(now)), undefined);
  assert.equal(s.missed, 'skip');
  assert.equal(spec({ cronValue: '0 3 * * *', scheduleMissed: 'run-once' }, now).missed, 'run-once');
});
