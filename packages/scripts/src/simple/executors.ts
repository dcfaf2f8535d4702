/**
 * Normalises one `execution` item into the engine's `ExecutorSpec` (all times in ms, every k6
 * default applied). The Taurus form maps onto k6 executors like this:
 *
 * | Taurus keys given                                  | executor              | how                                                         |
 * |----------------------------------------------------|-----------------------|-------------------------------------------------------------|
 * | nothing (or only `concurrency` / `iterations`)     | per-vu-iterations     | vus = concurrency (1), iterations = iterations (1), 10m cap  |
 * | `hold-for` (no `ramp-up`)                          | constant-vus          | vus = concurrency (1), duration = hold-for                  |
 * | `ramp-up` (± `hold-for`)                           | ramping-vus           | start 0 → concurrency over ramp-up, then hold for hold-for  |
 * | `iterations` + `hold-for` and/or `ramp-up`         | as the two rows above | plus iterationsPerVu = iterations (each VU stops after N)   |
 * | `throughput` + `hold-for` (no `ramp-up`)           | constant-arrival-rate | rate = throughput per (1s × requests per iteration)         |
 * | `throughput` + `ramp-up` (± `hold-for`)            | ramping-arrival-rate  | 0 → rate over ramp-up, then hold; pre = max VUs = concurrency |
 *
 * Taurus `throughput` is requests per second for the whole execution; an iteration sends every
 * request of the scenario, so `rate` iterations per `timeUnit` = 1 s × requests per iteration
 * gives exactly that many requests per second, without rounding.
 */
import type { ExecutionDefinition, ExecutorSpec, StageDefinition } from '@dlt/model';

/** k6's defaults, in ms where they are times. */
export const k6Defaults = {
  startTimeMs: 0,
  gracefulStopMs: 30_000,
  gracefulRampDownMs: 30_000,
  timeUnitMs: 1_000,
  maxDurationMs: 600_000,
  vus: 1,
  iterations: 1,
  startVus: 1,
  startRate: 0,
} as const;

/** What an execution runs: its name, its scenario, and how many requests one iteration sends. */
export interface ExecutionTarget {
  readonly name: string;
  readonly program: string;
  readonly requestsPerIteration: number;
}

/** The spec of one execution item (already validated by `testDefinitionSchema`). */
export function executorSpec(e: ExecutionDefinition, target: ExecutionTarget): ExecutorSpec {
  return e.executor === undefined ? taurusSpec(e, target) : k6Spec(e, target);
}

function base(e: ExecutionDefinition, t: ExecutionTarget) {
  return {
    name: t.name,
    program: t.program,
    startTimeMs: e['start-time'] ?? k6Defaults.startTimeMs,
    gracefulStopMs: e['graceful-stop'] ?? k6Defaults.gracefulStopMs,
  };
}

function stages(list: readonly StageDefinition[] | undefined) {
  return (list ?? []).map((s) => ({ durationMs: s.duration, target: s.target }));
}

function k6Spec(e: ExecutionDefinition, t: ExecutionTarget): ExecutorSpec {
  const b = base(e, t);
  const vus = e.vus ?? k6Defaults.vus;
  const iterations = e.iterations ?? k6Defaults.iterations;
  const maxDurationMs = e['max-duration'] ?? k6Defaults.maxDurationMs;
  const timeUnitMs = e['time-unit'] ?? k6Defaults.timeUnitMs;
  const preAllocatedVus = e['pre-allocated-vus'] ?? 0;
  const maxVus = e['max-vus'] ?? preAllocatedVus;
  switch (e.executor!) {
    case 'constant-vus':
      return { ...b, executor: 'constant-vus', vus, durationMs: e.duration! };
    case 'ramping-vus': {
      const gracefulRampDownMs = e['graceful-ramp-down'] ?? k6Defaults.gracefulRampDownMs;
      return {
        ...b,
        executor: 'ramping-vus',
        startVus: e['start-vus'] ?? k6Defaults.startVus,
        stages: stages(e.stages),
        gracefulRampDownMs,
      };
    }
    case 'shared-iterations':
      return { ...b, executor: 'shared-iterations', vus, iterations, maxDurationMs };
    case 'per-vu-iterations':
      return { ...b, executor: 'per-vu-iterations', vus, iterations, maxDurationMs };
    case 'constant-arrival-rate':
      return {
        ...b,
        executor: 'constant-arrival-rate',
        rate: e.rate!,
        timeUnitMs,
        durationMs: e.duration!,
        preAllocatedVus,
        maxVus,
      };
    case 'ramping-arrival-rate': {
      const startRate = e['start-rate'] ?? k6Defaults.startRate;
      return {
        ...b,
        executor: 'ramping-arrival-rate',
        startRate,
        timeUnitMs,
        stages: stages(e.stages),
        preAllocatedVus,
        maxVus,
      };
    }
  }
}

function taurusSpec(e: ExecutionDefinition, t: ExecutionTarget): ExecutorSpec {
  const b = base(e, t);
  const vus = e.concurrency ?? k6Defaults.vus;
  const rampUpMs = e['ramp-up'] ?? 0;
  const holdMs = e['hold-for'] ?? 0;
  const ramp = (target: number) => [
    { durationMs: rampUpMs, target },
    ...(holdMs > 0 ? [{ durationMs: holdMs, target }] : []),
  ];
  if (e.throughput !== undefined) {
    const rate = e.throughput;
    const timeUnitMs = 1_000 * t.requestsPerIteration;
    if (rampUpMs === 0) {
      return {
        ...b,
        executor: 'constant-arrival-rate',
        rate,
        timeUnitMs,
        durationMs: holdMs,
        preAllocatedVus: vus,
        maxVus: vus,
      };
    }
    return {
      ...b,
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnitMs,
      stages: ramp(rate),
      preAllocatedVus: vus,
      maxVus: vus,
    };
  }
  const perVu = e.iterations === undefined ? {} : { iterationsPerVu: e.iterations };
  if (rampUpMs > 0) {
    const gracefulRampDownMs = k6Defaults.gracefulRampDownMs;
    return { ...b, executor: 'ramping-vus', startVus: 0, stages: ramp(vus), gracefulRampDownMs, ...perVu };
  }
  if (holdMs > 0) return { ...b, executor: 'constant-vus', vus, durationMs: holdMs, ...perVu };
  const iterations = e.iterations ?? k6Defaults.iterations;
  return { ...b, executor: 'per-vu-iterations', vus, iterations, maxDurationMs: k6Defaults.maxDurationMs };
}
