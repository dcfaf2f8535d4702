/**
 * The events a ramping-vus executor replays, merged in time: changes of the scheduled VUs
 * (start or gracefully stop loops) and of the VUs still allowed to run (hard-stop the rest).
 */
import type { RampingVus } from '@dlt/model';
import { planVus, rampingVusSteps } from './plan-vus.ts';

/** At `atMs`, `scheduled` VUs should be looping, or only `allowed` VUs may still run. */
export type TimelineEvent =
  | { readonly atMs: number; readonly kind: 'scheduled'; readonly vus: number }
  | { readonly atMs: number; readonly kind: 'allowed'; readonly vus: number };

/**
 * As k6 replays them: the raw ramp (ending at 0 when the stages end) and the plan with its
 * ramp-down reservations, in time order, the raw step first on a tie. It ends with the raw
 * steps; the executor's hard stop at the end of the plan covers what is left.
 */
export function rampingVusTimeline(spec: RampingVus): TimelineEvent[] {
  const raw = rampingVusSteps(spec);
  const allowed = planVus(spec);
  const out: TimelineEvent[] = [];
  let j = 0;
  for (const r of raw) {
    for (; j < allowed.length && allowed[j].atMs < r.atMs; j++) {
      out.push({ atMs: allowed[j].atMs, kind: 'allowed', vus: allowed[j].vus });
    }
    out.push({ atMs: r.atMs, kind: 'scheduled', vus: r.vus });
  }
  return out;
}
