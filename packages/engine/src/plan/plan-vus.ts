/**
 * The VU plan of an executor as data: `{ atMs, vus }` steps like k6's ExecutionStep, computed
 * without a clock, so the executors only replay them and the tests read them as tables.
 */
import type { ExecutorSpec, RampingVus } from '@dlt/model';

/** From `atMs` (since the executor's start) on, `vus` VUs are planned. */
export interface PlanStep {
  readonly atMs: number;
  readonly vus: number;
}

/**
 * The VUs an executor needs over time (k6's GetExecutionRequirements): for ramping-vus the
 * ramp with VUs kept for `gracefulRampDownMs` after each ramp-down, and for every executor a
 * last step to 0 at the end of its graceful stop.
 */
export function planVus(spec: ExecutorSpec): PlanStep[] {
  switch (spec.executor) {
    case 'constant-vus':
      return [step(0, spec.vus), step(spec.durationMs + spec.gracefulStopMs, 0)];
    case 'shared-iterations':
      return [step(0, Math.min(spec.vus, spec.iterations)), step(spec.maxDurationMs + spec.gracefulStopMs, 0)];
    case 'per-vu-iterations':
      return [step(0, spec.vus), step(spec.maxDurationMs + spec.gracefulStopMs, 0)];
    case 'constant-arrival-rate':
      return [step(0, spec.preAllocatedVus), step(spec.durationMs + spec.gracefulStopMs, 0)];
    case 'ramping-arrival-rate':
      return [step(0, spec.preAllocatedVus), step(stagesMs(spec.stages) + spec.gracefulStopMs, 0)];
    case 'ramping-vus':
      return rampingVusPlan(spec);
    default:
      return assertNever(spec);
  }
}

/** How long the executor can run at most, graceful stop (and ramp-down) included. */
export function maxDurationMs(spec: ExecutorSpec): number {
  const steps = planVus(spec);
  return steps[steps.length - 1].atMs;
}

/** When the executor stops starting iterations; after it only the graceful stop remains. */
export function regularDurationMs(spec: ExecutorSpec): number {
  switch (spec.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return spec.durationMs;
    case 'shared-iterations':
    case 'per-vu-iterations':
      return spec.maxDurationMs;
    case 'ramping-arrival-rate':
      return stagesMs(spec.stages);
    case 'ramping-vus': {
      const raw = rampingVusSteps(spec);
      return raw[raw.length - 1].atMs;
    }
    default:
      return assertNever(spec);
  }
}

/** The most VUs the executor can have at once (open models: `maxVus`). */
export function peakVus(spec: ExecutorSpec): number {
  switch (spec.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return Math.max(spec.maxVus, spec.preAllocatedVus);
    default:
      return Math.max(0, ...planVus(spec).map((s) => s.vus));
  }
}

/**
 * The scheduled VUs of a ramping-vus executor (k6's raw steps, ending at 0): along each stage
 * the count moves by one VU each time the straight line from the stage's start to its target
 * crosses a whole number, so going up a VU is added when the line reaches it and going down a
 * VU is removed when the line reaches the count below it. A 0-length stage jumps at once.
 *
 *   VUs                          start 4, stages 2 s → 6 VUs, then 5 s → 1 VU
 *    6 |      ┌──┐
 *    5 |   ┌──┘  └──┐               steps: 0 s 4, 1 s 5, 2 s 6, 3 s 5, 4 s 4,
 *    4 |───┘        └──┐                   5 s 3, 6 s 2, 7 s 1, 7 s 0 (the end)
 *    3 |               └──┐
 *    2 |                  └──┐
 *    1 |                     └──
 *      └──┬──┬──┬──┬──┬──┬──┬─ s
 *         1  2  3  4  5  6  7
 *
 * `zeroEnd` adds the last step to 0 at the end of the stages (the executor's regular end).
 */
export function rampingVusSteps(spec: Pick<RampingVus, 'startVus' | 'stages'>, zeroEnd = true): PlanStep[] {
  const steps: PlanStep[] = [step(0, spec.startVus)];
  const add = (atMs: number, vus: number) => {
    if (steps[steps.length - 1].vus !== vus) steps.push(step(atMs, vus));
  };
  let from = spec.startVus;
  let stageStart = 0;
  for (const { durationMs, target } of spec.stages) {
    const stageEnd = stageStart + durationMs;
    if (durationMs === 0) add(stageEnd, target);
    else if (target > from)
      for (let v = from + 1; v <= target; v++) add(at(stageStart, durationMs, from, target, v), v);
    else for (let v = from - 1; v >= target; v--) add(at(stageStart, durationMs, from, target, v), v);
    from = target;
    stageStart = stageEnd;
  }
  if (zeroEnd) add(stageStart, 0);
  return steps;
}

/** When the line from `from` to `to` over the stage reaches `v`. */
function at(startMs: number, durationMs: number, from: number, to: number, v: number): number {
  return startMs + (durationMs * (v - from)) / (to - from);
}

/** k6's plan for ramping-vus: the raw ramp, with VUs reserved for their graceful ramp-down. */
function rampingVusPlan(spec: RampingVus): PlanStep[] {
  const raw = rampingVusSteps(spec, false);
  const endMs = stagesMs(spec.stages) + spec.gracefulStopMs;
  const steps = spec.gracefulRampDownMs > 0 ? reserveRampDowns(raw, spec.gracefulRampDownMs, endMs) : raw;
  if (steps.length === 0 || steps[steps.length - 1].vus !== 0) steps.push(step(endMs, 0));
  return steps;
}

/**
 * k6's reservation for graceful ramp-downs: after a drop, the VUs that were running stay
 * planned for `graceMs` (they may be finishing their iteration) unless the ramp climbs back to
 * as many within that window. Steps past the executor's end are left out.
 */
export function reserveRampDowns(raw: readonly PlanStep[], graceMs: number, endMs: number): PlanStep[] {
  const out: PlanStep[] = [];
  let last = 0;
  let slopeEnd = 0;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i];
    if (i === 0 || s.vus > last) {
      out.push(s);
      last = s.vus;
      continue;
    }
    if (s.vus === last) continue;
    const until = s.atMs + graceMs;
    let climbedBack = false;
    let rampingDown = true;
    for (let j = Math.max(i + 1, slopeEnd); j < raw.length && raw[j].atMs <= until; j++) {
      if (raw[j].vus >= last) {
        i = j - 1;
        climbedBack = true;
        break;
      }
      if (rampingDown && raw[j - 1].vus < raw[j].vus) {
        slopeEnd = j;
        rampingDown = false;
      }
    }
    if (climbedBack) continue;
    if (until >= endMs) break;
    out.push(step(until, s.vus));
    last = s.vus;
  }
  return out;
}

/** The total length of a list of stages. */
export function stagesMs(stages: readonly { readonly durationMs: number }[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

function step(atMs: number, vus: number): PlanStep {
  return { atMs, vus };
}

function assertNever(x: never): never {
  throw new Error(`unknown executor ${(x as { executor?: string }).executor}`);
}
