/**
 * When a schedule fires: the next firing strictly after an instant, and the firings between two
 * instants (to tell how many were missed). Cron and the legacy recurrences are evaluated by
 * croner in the schedule's time zone, so a daily 09:00 stays 09:00 across daylight-saving changes.
 */
import { Cron } from 'croner';
import { localDate, type Recurrence, type ScheduleSpec } from './schedule-spec.ts';

const dayMs = 86_400_000;

/**
 * The cron of a legacy recurrence (seconds first): its time of day as asked, on the start date's
 * weekday or day of the month. Not read from the first firing's instant, which the clocks may
 * have moved (02:30 on the day they skip that hour fires at 03:00; the next days at 02:30).
 */
function recurrenceCron(every: Recurrence, startDate: string, time: string): string {
  const [h, m, s] = time.split(':').map(Number);
  const day = Number(startDate.slice(8, 10));
  const dow = new Date(`${startDate}T00:00:00Z`).getUTCDay();
  const at = `${s} ${m} ${h}`;
  return every === 'monthly' ? `${at} ${day} * *` : every === 'daily' ? `${at} * * *` : `${at} * * ${dow}`;
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
      return new Cron(recurrenceCron(w.every, w.startDate, w.time), {
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
