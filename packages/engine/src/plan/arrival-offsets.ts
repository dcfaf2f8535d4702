/**
 * The arrival schedule of an open-model executor: the intended start offset (ms since the
 * executor's start) of every iteration, computed exactly from the rate, with no clock.
 */
import type { ConstantArrivalRate, RampingArrivalRate } from '@dlt/model';

/**
 * Yields the intended start offsets in order. constant-arrival-rate starts one iteration every
 * `timeUnit / rate`, the first at 0, while the offset is below `duration` (as k6, so 500/s for
 * 4 s is exactly 2,000). ramping-arrival-rate follows the rate's integral (see `rampOffsets`).
 */
export function arrivalOffsets(spec: ConstantArrivalRate | RampingArrivalRate): Generator<number, void, undefined> {
  const all = wholeOffsets(spec);
  return spec.stripe === undefined || spec.stripe.count === 1
    ? all
    : striped(all, spec.stripe.index, spec.stripe.count);
}

function wholeOffsets(spec: ConstantArrivalRate | RampingArrivalRate): Generator<number, void, undefined> {
  switch (spec.executor) {
    case 'constant-arrival-rate':
      return constantOffsets(spec.rate, spec.timeUnitMs, spec.durationMs);
    case 'ramping-arrival-rate':
      return rampOffsets(spec.startRate, spec.timeUnitMs, spec.stages);
    default:
      throw new Error(`not an arrival-rate executor: ${(spec as { executor?: string }).executor}`);
  }
}

/** This share's arrivals of a split schedule: the i-th of every `count`, starting at `index`. */
function* striped(all: Iterator<number, void>, index: number, count: number): Generator<number, void, undefined> {
  let i = 0;
  for (let next = all.next(); !next.done; next = all.next(), i++) {
    if (i % count === index) yield next.value;
  }
}

/** The exact number of arrivals an arrival-rate executor plans (for tests and progress). */
export function arrivalCount(spec: ConstantArrivalRate | RampingArrivalRate): number {
  let n = 0;
  for (const _ of arrivalOffsets(spec)) n++;
  return n;
}

function* constantOffsets(rate: number, timeUnitMs: number, durationMs: number): Generator<number, void, undefined> {
  if (!(rate > 0)) return;
  // i * unit / rate, not a running sum, so rounding never accumulates over a long test.
  for (let i = 0; ; i++) {
    const at = (i * timeUnitMs) / rate;
    if (at >= durationMs) return;
    yield at;
  }
}

/**
 * ramping-arrival-rate, as k6: the rate r(t) is piecewise linear (from `startRate` to each
 * stage's target over the stage), and the i-th iteration (i = 1, 2, …) starts when the area
 * under r reaches i. Within a stage that starts at rate `a`, ends at rate `b` (per ms) and
 * lasts `d`, the area after t ms is  a·t + (b − a)·t² / 2d,  so the n-th arrival of the stage
 * is the root of that quadratic,  t = 2n / (a + √(a² + 2(b − a)n / d)),  written this way
 * (rather than with the usual (−a + √…) / …) so a stage with a ≈ b loses no precision.
 *
 *   rate                   area = arrivals; each ▒ column holds the same area
 *    b |          ╱▒
 *      |       ╱▒▒▒▒       start 0, ramp to b over d: arrivals bunch up at the end
 *      |    ╱▒▒▒▒▒▒▒
 *    a |_╱▒▒▒▒▒▒▒▒▒▒
 *      └────────────── t
 */
function* rampOffsets(
  startRate: number,
  timeUnitMs: number,
  stages: readonly { readonly durationMs: number; readonly target: number }[],
): Generator<number, void, undefined> {
  let from = startRate / timeUnitMs;
  let stageStart = 0;
  let doneSoFar = 0; // area (arrivals) before this stage
  let i = 1;
  for (const { durationMs: d, target } of stages) {
    const to = target / timeUnitMs;
    const area = d * (from === to ? to : (from + to) / 2);
    // The tolerance keeps an arrival that falls exactly on a stage's end despite rounding.
    const end = doneSoFar + area + 1e-9 * Math.max(1, doneSoFar + area);
    for (; i <= end; i++) {
      const n = i - doneSoFar;
      const t =
        from === to ? n / to : (2 * n) / (from + Math.sqrt(Math.max(0, from * from + (2 * (to - from) * n) / d)));
      yield stageStart + Math.min(t, d);
    }
    doneSoFar += area;
    from = to;
    stageStart += d;
  }
}
