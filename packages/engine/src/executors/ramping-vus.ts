/** ramping-vus: the number of looping VUs follows the stages (closed model). */
import type { RampingVus } from '@dlt/model';
import { maxDurationMs, regularDurationMs } from '../plan/plan-vus.ts';
import { rampingVusTimeline } from '../plan/ramping-vus-timeline.ts';
import { sleepUntil } from '../vu/sleep.ts';
import type { Vu } from '../vu/vu.ts';
import type { ExecutorEnv } from './executor-env.ts';
import { perVu, unbounded } from './run-loops.ts';
import { VuLoop } from './vu-loop.ts';

/**
 * Replays the timeline: a rise in scheduled VUs starts loops, a fall stops the last ones
 * gracefully (their iteration finishes), and a fall in allowed VUs (after the graceful
 * ramp-down) interrupts them. The end of the plan, or the signal, interrupts whatever runs.
 */
export async function rampingVus(spec: RampingVus, env: ExecutorEnv): Promise<void> {
  const cap = spec.iterationsPerVu === undefined ? unbounded : perVu(spec.iterationsPerVu);
  const endAt = env.startAt + regularDurationMs(spec);
  const next = (vu: Vu) => performance.now() < endAt && cap(vu);
  const loops: VuLoop[] = [];
  const loop = (i: number): VuLoop => {
    loops[i] ??= new VuLoop(env.pool.at(i), next, env.gauge);
    return loops[i];
  };
  const hardStop = (from: number, to = loops.length) => {
    for (let i = from; i < to; i++) loops[i]?.hardStop();
  };
  const stopAll = () => hardStop(0);
  const t0 = env.startAt;
  const hard = setTimeout(stopAll, Math.max(0, t0 + maxDurationMs(spec) - performance.now()));
  env.signal.addEventListener('abort', stopAll, { once: true });
  let scheduled = 0;
  let allowed = 0;
  try {
    for (const event of rampingVusTimeline(spec)) {
      await sleepUntil(t0 + event.atMs, env.signal);
      if (env.signal.aborted) break;
      if (event.kind === 'allowed') {
        // Only the VUs that lose their allowance stop; a tie at one instant may list it late.
        hardStop(event.vus, allowed);
        allowed = event.vus;
      } else {
        for (; scheduled < event.vus; scheduled++) loop(scheduled).start();
        for (; scheduled > event.vus; scheduled--) loop(scheduled - 1).gracefulStop();
      }
    }
    await Promise.all(loops.map((l) => l.done));
  } finally {
    clearTimeout(hard);
    env.signal.removeEventListener('abort', stopAll);
  }
}
