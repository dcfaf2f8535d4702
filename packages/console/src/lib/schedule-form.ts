/**
 * The schedule part of the test form as data: once at a date and time, a cron expression (with
 * an optional last day), or the seed's recurrences; in an IANA time zone. It becomes the seed's
 * schedule fields of `POST /api/scenarios`; the server checks the rest (times in the past).
 */

export const scheduleKinds = ['none', 'once', 'cron', 'recurrence'] as const;
export type ScheduleKind = (typeof scheduleKinds)[number];
export const recurrences = ['daily', 'weekly', 'biweekly', 'monthly'] as const;
export type Recurrence = (typeof recurrences)[number];

export interface ScheduleForm {
  /** `none`: save or run now; a schedule the test already has stays as it is. */
  readonly kind: ScheduleKind;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** `HH:MM`. */
  readonly time: string;
  readonly cron: string;
  /** Last day a cron schedule fires, `YYYY-MM-DD`; empty: no end. */
  readonly expiry: string;
  readonly recurrence: Recurrence;
  readonly timezone: string;
}

/** The reader's own time zone, or UTC where the runtime does not say. */
export function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export const emptySchedule = (timezone = localZone()): ScheduleForm => ({
  kind: 'none',
  date: '',
  time: '',
  cron: '',
  expiry: '',
  recurrence: 'daily',
  timezone,
});

/** The body fields of the schedule; none for `none`. */
export function scheduleFields(s: ScheduleForm): Record<string, string> {
  const zone = { scheduleTimezone: s.timezone.trim() || 'UTC' };
  switch (s.kind) {
    case 'none':
      return {};
    case 'once':
      return { scheduleDate: s.date, scheduleTime: s.time, ...zone };
    case 'cron':
      return {
        cronValue: s.cron.trim().replace(/\s+/g, ' '),
        ...(s.expiry ? { cronExpiryDate: s.expiry } : {}),
        ...zone,
      };
    case 'recurrence':
      return { recurrence: s.recurrence, scheduleDate: s.date, scheduleTime: s.time, ...zone };
  }
}

function zoneOk(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// One cron field: numbers, names, ranges, steps, lists, and croner's ? L W #.
const cronField = /^[\dA-Za-z*?/,#LW-]+$/;

/** What is wrong with the schedule before it is sent, keyed by the API's field names. */
export function scheduleProblems(s: ScheduleForm): { field: string; message: string; hint?: string }[] {
  if (s.kind === 'none') return [];
  const out: { field: string; message: string; hint?: string }[] = [];
  if (s.kind === 'once' || s.kind === 'recurrence') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s.date)) out.push({ field: 'scheduleDate', message: 'choose a date' });
    if (!/^\d{2}:\d{2}(:\d{2})?$/.test(s.time)) out.push({ field: 'scheduleTime', message: 'choose a time' });
  }
  if (s.kind === 'cron') {
    const parts = s.cron.trim().split(/\s+/).filter(Boolean);
    if (parts.length !== 5 || !parts.every((p) => cronField.test(p))) {
      out.push({
        field: 'cronValue',
        message: 'five fields: minute hour day-of-month month day-of-week',
        hint: 'e.g. 0 3 * * 1-5 for 03:00 on weekdays',
      });
    }
    if (s.expiry !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(s.expiry))
      out.push({ field: 'cronExpiryDate', message: 'YYYY-MM-DD' });
  }
  if (!zoneOk(s.timezone.trim() || 'UTC'))
    out.push({
      field: 'scheduleTimezone',
      message: `unknown time zone "${s.timezone}"`,
      hint: 'an IANA name such as Europe/Berlin',
    });
  return out;
}

/** A stored test's schedule in words (`cron 0 3 * * * in Europe/Berlin`), or undefined when it has none. */
export function describeSchedule(fields: Readonly<Record<string, unknown>>): string | undefined {
  const text = (k: string) => (typeof fields[k] === 'string' && fields[k] !== '' ? (fields[k] as string) : undefined);
  const zone = text('scheduleTimezone') ?? 'UTC';
  const cron = text('cronValue');
  if (cron) return `cron ${cron} in ${zone}${text('cronExpiryDate') ? ` until ${text('cronExpiryDate')}` : ''}`;
  const date = text('scheduleDate');
  const time = text('scheduleTime');
  const recurrence = text('recurrence');
  if (date && time && recurrence) return `${recurrence} from ${date} ${time} ${zone}`;
  if (date && time) return `once at ${date} ${time} ${zone}`;
  return undefined;
}
