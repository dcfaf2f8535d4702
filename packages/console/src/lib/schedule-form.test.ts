/**
 * The schedule part of the test form: what each kind sends, what is refused before sending
 * (beside which field), how the server's schedule problems find their field, and how a stored
 * schedule reads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyForm, type ScenarioForm, toScenarioInput } from './scenario-form.ts';
import { describeSchedule, emptySchedule, type ScheduleForm, scheduleFields } from './schedule-form.ts';
import { fieldErrors, formFieldOf, validateForm } from './validate-form.ts';

const base: ScenarioForm = {
  ...emptyForm(),
  testName: 'nightly',
  testDescription: 'the nightly check',
  requests: [{ label: '', method: 'GET', url: 'http://127.0.0.1:9/', headers: '', body: '' }],
};
const withSchedule = (s: Partial<ScheduleForm>): ScenarioForm => ({
  ...base,
  schedule: { ...emptySchedule('Europe/Berlin'), ...s },
});

test('each kind sends the seed fields for it, in its time zone; none sends nothing', () => {
  assert.deepEqual(scheduleFields(emptySchedule('UTC')), {});
  assert.deepEqual(
    scheduleFields({ ...emptySchedule('Europe/Berlin'), kind: 'once', date: '2031-05-01', time: '09:30' }),
    {
      scheduleDate: '2031-05-01',
      scheduleTime: '09:30',
      scheduleTimezone: 'Europe/Berlin',
    },
  );
  assert.deepEqual(
    scheduleFields({ ...emptySchedule('UTC'), kind: 'cron', cron: ' 0  3 * * 1-5 ', expiry: '2031-12-31' }),
    {
      cronValue: '0 3 * * 1-5',
      cronExpiryDate: '2031-12-31',
      scheduleTimezone: 'UTC',
    },
  );
  assert.deepEqual(
    scheduleFields({
      ...emptySchedule('UTC'),
      kind: 'recurrence',
      recurrence: 'weekly',
      date: '2031-05-01',
      time: '09:30',
    }),
    { recurrence: 'weekly', scheduleDate: '2031-05-01', scheduleTime: '09:30', scheduleTimezone: 'UTC' },
  );
});

test('the body carries the schedule unless left out (a script test is saved once before its upload)', () => {
  const form = withSchedule({ kind: 'cron', cron: '*/15 * * * *' });
  assert.equal(toScenarioInput(form, false).cronValue, '*/15 * * * *');
  assert.equal(toScenarioInput(form, true, false).cronValue, undefined);
  assert.equal(toScenarioInput(base, false).cronValue, undefined);
});

const refused: [string, Partial<ScheduleForm>, string, RegExp][] = [
  ['once without a date', { kind: 'once', time: '09:00' }, 'schedule.date', /choose a date/],
  ['once without a time', { kind: 'once', date: '2031-01-01' }, 'schedule.time', /choose a time/],
  ['a recurrence without a date', { kind: 'recurrence', time: '09:00' }, 'schedule.date', /choose a date/],
  ['cron with four fields', { kind: 'cron', cron: '0 3 * *' }, 'schedule.cron', /five fields/],
  ['cron with a stray character', { kind: 'cron', cron: '0 3 * * $' }, 'schedule.cron', /five fields/],
  ['an expiry that is no date', { kind: 'cron', cron: '0 3 * * *', expiry: 'soon' }, 'schedule.expiry', /YYYY-MM-DD/],
  [
    'an unknown time zone',
    { kind: 'cron', cron: '0 3 * * *', timezone: 'Mars/Olympus' },
    'schedule.timezone',
    /unknown time zone/,
  ],
];
for (const [name, s, field, message] of refused) {
  test(`refused before sending: ${name}`, () => {
    const errors = validateForm(withSchedule(s));
    assert.match(errors[field] ?? '(none)', message, JSON.stringify(errors));
  });
}

test('good schedules pass, and no schedule is never checked', () => {
  assert.deepEqual(validateForm(withSchedule({ kind: 'cron', cron: '0 3 * * MON-FRI' })), {});
  assert.deepEqual(validateForm(withSchedule({ kind: 'once', date: '2031-01-01', time: '23:59' })), {});
  assert.deepEqual(validateForm(withSchedule({ kind: 'none', cron: 'garbage', timezone: 'Mars/Olympus' })), {});
});

test("the server's schedule problems land beside their field", () => {
  assert.equal(formFieldOf('scheduleDate'), 'schedule.date');
  assert.equal(formFieldOf('cronValue'), 'schedule.cron');
  assert.equal(formFieldOf('scheduleTimezone'), 'schedule.timezone');
  assert.deepEqual(fieldErrors([{ field: 'scheduleDate', message: 'must be in the future' }]), {
    'schedule.date': 'must be in the future',
  });
});

test('a stored schedule in words', () => {
  assert.equal(describeSchedule({}), undefined);
  assert.equal(
    describeSchedule({ cronValue: '0 3 * * *', scheduleTimezone: 'Europe/Berlin' }),
    'cron 0 3 * * * in Europe/Berlin',
  );
  assert.equal(
    describeSchedule({ cronValue: '0 3 * * *', cronExpiryDate: '2031-01-01' }),
    'cron 0 3 * * * in UTC until 2031-01-01',
  );
  assert.equal(describeSchedule({ scheduleDate: '2031-01-01', scheduleTime: '09:00' }), 'once at 2031-01-01 09:00 UTC');
  assert.equal(
    describeSchedule({
      scheduleDate: '2031-01-01',
      scheduleTime: '09:00',
      recurrence: 'daily',
      scheduleTimezone: 'UTC',
    }),
    'daily from 2031-01-01 09:00 UTC',
  );
});
