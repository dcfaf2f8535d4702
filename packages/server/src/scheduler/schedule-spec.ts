/**
 * The seed's schedule fields read into one checked `ScheduleSpec`: a one-time firing
 * (`scheduleDate` + `scheduleTime`), a 5-field cron (`cronValue`, ended by `cronExpiryDate`), or
 * the legacy `recurrence` (daily, weekly, biweekly, monthly from `scheduleDate` + `scheduleTime`),
 * all in `scheduleTimezone` (IANA, default UTC). Every problem names its field; with a clock,
 * times in the past are refused as the seed does.
 */
import type { Problem } from '@dlt/model';
import { Cron } from 'croner';
import type { ScheduleFields } from '../store/store.ts';

/** What a firing missed while no server ran does: skipped and recorded (default), or run once, late. */
export const missedPolicies = ['skip', 'run-once'] as const;
export type MissedPolicy = (typeof missedPolicies)[number];

export const recurrences = ['daily', 'weekly', 'biweekly', 'monthly'] as const;
export type Recurrence = (typeof recurrences)[number];

export type ScheduleWhen =
  | { readonly kind: 'once'; readonly atMs: number }
  | { readonly kind: 'cron'; readonly cron: string }
  | {
      readonly kind: 'recurrence';
      readonly every: Recurrence;
      readonly startMs: number;
      readonly startDate: string;
      /** The wall-clock time of every firing, `HH:MM:SS` (the first may be later when the clocks skip it). */
      readonly time: string;
    };

export interface ScheduleSpec {
  readonly when: ScheduleWhen;
  readonly timezone: string;
  /** No firing after this instant (the end of `cronExpiryDate` in the timezone), epoch ms. */
  readonly endMs?: number;
  readonly missed: MissedPolicy;
}

export type ScheduleCheck =
  | { readonly ok: true; readonly spec: ScheduleSpec }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Whether a body asks for a schedule (the seed sends `scheduleStep`; other clients may send only the times). */
export function asksForSchedule(f: ScheduleFields): boolean {
  return [f.scheduleStep, f.scheduleDate, f.scheduleTime, f.cronValue, f.recurrence].some((v) => v !== undefined);
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The date (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDate(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(ms)
    .slice(0, 10);
}

function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === date;
}

/** `HH:MM` or `HH:MM:SS` as `HH:MM:SS`, or undefined when it is not a time of day. */
function timeOfDay(time: string): string | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/.exec(time);
  return m ? `${m[1]}:${m[2]}:${m[3] ?? '00'}` : undefined;
}

/**
 * The instant a wall-clock date and time has in `timezone`. A time the clocks skip (the hour lost
 * when they go forward) becomes the first valid time after it; a time that occurs twice, the first.
 * Read as a cron of that day from two days before, so a one-time firing treats the lost hour as a
 * cron does (croner's ISO-date form moves a skipped 02:30 to 03:30, not 03:00).
 */
export function localInstant(date: string, time: string, timezone: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  const from = new Date(Date.UTC(y, mo - 1, d) - 2 * 86_400_000);
  const at = new Cron(`${s} ${mi} ${h} ${d} ${mo} *`, { timezone, paused: true }).nextRun(from);
  if (!at) throw new Error(`no instant for ${date} ${time} in ${timezone}`);
  return at.getTime();
}

/** Checks the fields; with `nowMs`, a first firing or expiry in the past is a problem too. */
export function parseSchedule(f: ScheduleFields, nowMs?: number): ScheduleCheck {
  const problems: Problem[] = [];
  const timezone = f.scheduleTimezone ?? 'UTC';
  if (!isTimeZone(timezone)) {
    problems.push({
      field: 'scheduleTimezone',
      message: `"${timezone}" is not an IANA time zone`,
      hint: 'e.g. UTC or Europe/Paris',
    });
  }
  const missed = f.scheduleMissed ?? 'skip';
  if (!(missedPolicies as readonly string[]).includes(missed)) {
    problems.push({ field: 'scheduleMissed', message: `must be one of ${missedPolicies.join(', ')}` });
  }
  if (f.recurrence !== undefined && !(recurrences as readonly string[]).includes(f.recurrence)) {
    problems.push({ field: 'recurrence', message: `must be one of ${recurrences.join(', ')}` });
  }
  if (f.scheduleDate !== undefined && !isCalendarDate(f.scheduleDate)) {
    problems.push({ field: 'scheduleDate', message: `"${f.scheduleDate}" is not a date (YYYY-MM-DD)` });
  }
  if (f.scheduleTime !== undefined && timeOfDay(f.scheduleTime) === undefined) {
    problems.push({ field: 'scheduleTime', message: `"${f.scheduleTime}" is not a time of day (HH:MM)` });
  }
  if (f.cronExpiryDate !== undefined && !isCalendarDate(f.cronExpiryDate)) {
    problems.push({ field: 'cronExpiryDate', message: `"${f.cronExpiryDate}" is not a date (YYYY-MM-DD)` });
  }
  if (problems.length > 0) return { ok: false, problems };
  const endMs = f.cronExpiryDate === undefined ? undefined : localInstant(f.cronExpiryDate, '23:59:59', timezone) + 999;
  const when = whenOf(f, timezone, problems);
  if (!when) return { ok: false, problems };
  const spec: ScheduleSpec = {
    when,
    timezone,
    missed: missed as MissedPolicy,
    ...(endMs === undefined ? {} : { endMs }),
  };
  if (nowMs !== undefined) problems.push(...pastProblems(f, spec, nowMs));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, spec };
}

function whenOf(f: ScheduleFields, timezone: string, problems: Problem[]): ScheduleWhen | undefined {
  if (f.cronValue !== undefined) {
    const why = cronProblem(f.cronValue, timezone);
    if (why) problems.push({ field: 'cronValue', ...why });
    return why ? undefined : { kind: 'cron', cron: f.cronValue.trim() };
  }
  if (f.scheduleDate === undefined) problems.push({ field: 'scheduleDate', message: 'is needed (or a cronValue)' });
  if (f.scheduleTime === undefined) problems.push({ field: 'scheduleTime', message: 'is needed (or a cronValue)' });
  if (problems.length > 0 || f.scheduleDate === undefined || f.scheduleTime === undefined) return undefined;
  const time = timeOfDay(f.scheduleTime) as string;
  const atMs = localInstant(f.scheduleDate, time, timezone);
  if (f.recurrence === undefined) return { kind: 'once', atMs };
  return { kind: 'recurrence', every: f.recurrence as Recurrence, startMs: atMs, startDate: f.scheduleDate, time };
}

function cronProblem(cron: string, timezone: string): Omit<Problem, 'field'> | undefined {
  const hint = 'five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * 1-5"';
  if (cron.trim().split(/\s+/).length !== 5) return { message: `"${cron}" is not a 5-field cron expression`, hint };
  try {
    if (!new Cron(cron, { timezone, mode: '5-part', paused: true }).nextRun()) {
      return { message: `"${cron}" never fires` };
    }
  } catch (e) {
    return { message: (e as Error).message.replace(/^CronPattern: /, ''), hint };
  }
  return undefined;
}

function pastProblems(f: ScheduleFields, spec: ScheduleSpec, nowMs: number): Problem[] {
  const today = localDate(nowMs, spec.timezone);
  const problems: Problem[] = [];
  if (spec.endMs !== undefined && spec.endMs <= nowMs) {
    problems.push({
      field: 'cronExpiryDate',
      message: `must not be in the past (today is ${today} in ${spec.timezone})`,
    });
    return problems;
  }
  const w = spec.when;
  if (w.kind === 'cron') {
    const first = new Cron(w.cron, { timezone: spec.timezone, mode: '5-part', paused: true }).nextRun(new Date(nowMs));
    if (spec.endMs !== undefined && (!first || first.getTime() > spec.endMs)) {
      problems.push({ field: 'cronExpiryDate', message: `cronValue "${w.cron}" does not fire before it` });
    }
    return problems;
  }
  const at = w.kind === 'once' ? w.atMs : w.startMs;
  if (at > nowMs) {
    // Otherwise stored as a schedule that never fires, with nothing to say so.
    if (spec.endMs !== undefined && at > spec.endMs) {
      const when = `${f.scheduleDate} ${f.scheduleTime}`;
      problems.push({ field: 'cronExpiryDate', message: `is before the first firing (${when} ${spec.timezone})` });
    }
    return problems;
  }
  const field = (f.scheduleDate ?? '') < today ? 'scheduleDate' : 'scheduleTime';
  const when = `${f.scheduleDate} ${f.scheduleTime} ${spec.timezone}`;
  problems.push({
    field,
    message: `must be in the future: ${when} has passed`,
    hint: `now is ${new Date(nowMs).toISOString()}`,
  });
  return problems;
}
