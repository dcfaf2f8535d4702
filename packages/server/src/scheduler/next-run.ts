/**
 * When a schedule fires: the next firing strictly after an instant, and the firings between two
 * instants (to tell how many were missed). Cron and the legacy recurrences are evaluated by
 * croner in the schedule's time zone, so a daily 09:00 stays 09:00 across daylight-saving changes.
 */
import { Cron } from 'croner';
import { localDate, type ScheduleSpec } from './schedule-spec.ts';

const dayMs = 86_400_000;

/** The cron of a legacy recurrence, from its first firing's wall-clock time (seconds first). */
function recurrenceCron(every: string, startMs: number, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    day: 'numeric',
    weekday: 'short',
  }).formatToParts(startMs);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '0';
  const time = `${Number(get('second'))} ${Number(get('minute'))} ${Number(get('hour'))}`;
  const dow = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return every === 'monthly' ? `${time} ${get('day')} * *` : every === 'daily' ? `${time} * * *` : `${time} * * ${dow}`;
}

/** Whole days from `from` to `to`, both `YYYY-MM-DD`. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
}

function cronOf(spec: ScheduleSpec): Cron | undefined {
  const w = spec.when;
  switch (w.kind) {
    case 'once':
      return undefined;
    case 'cron':
      return new Cron(w.cron, { timezone: spec.timezone, mode: '5-part', paused: true });
    case 'recurrence':
      return new Cron(recurrenceCron(w.every, w.startMs, spec.timezone), {
        timezone: spec.timezone,
        mode: '6-part',
        paused: true,
      });
    default: {
      const never: never = w;
      throw new Error(`unknown schedule ${JSON.stringify(never)}`);
    }
  }
}

/** The first firing strictly after `afterMs`, or undefined when the schedule is over. */
export function nextFiring(spec: ScheduleSpec, afterMs: number): number | undefined {
  const w = spec.when;
  let next: number | undefined;
  if (w.kind === 'once') {
    next = w.atMs > afterMs ? w.atMs : undefined;
  } else {
    const cron = cronOf(spec) as Cron;
    // A recurrence starts at its first firing; the cron alone would fire before it.
    let from = w.kind === 'recurrence' ? Math.max(afterMs, w.startMs - 1) : afterMs;
    // Biweekly is the weekly cron on every other week from the start (at most one week is passed over).
    for (let i = 0; i < 3; i++) {
      next = cron.nextRun(new Date(from))?.getTime();
      if (next === undefined || w.kind !== 'recurrence' || w.every !== 'biweekly') break;
      if ((daysBetween(w.startDate, localDate(next, spec.timezone)) / 7) % 2 === 0) break;
      from = next;
      next = undefined;
    }
  }
  return next !== undefined && (spec.endMs === undefined || next <= spec.endMs) ? next : undefined;
}

/** Firings in `[fromMs, toMs]`, at most `max` of them (counted, not listed, past that). */
export function firingsBetween(spec: ScheduleSpec, fromMs: number, toMs: number, max = 10_000): number[] {
  const out: number[] = [];
  for (let at = nextFiring(spec, fromMs - 1); at !== undefined && at <= toMs && out.length < max; ) {
    out.push(at);
    at = nextFiring(spec, at);
  }
  return out;
}
