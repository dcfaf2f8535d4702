/**
 * An executor as an execution item of the simple format in the k6 form (`executor` and its
 * options in kebab-case), for loads the Taurus form cannot say.
 */
import type { ExecutorSpec, Stage } from '@dlt/model';
import { formatDuration } from '@dlt/model';

/** An executor without its name and program, each kind kept apart. */
export type UnnamedExecutor = ExecutorSpec extends infer E
  ? E extends ExecutorSpec
    ? Omit<E, 'name' | 'program'>
    : never
  : never;

/** The default graceful stop of an item; written only when it differs. */
const defaultGracefulStopMs = 30_000;

/** The load fields of `spec` in the k6 form (no name, scenario or start time). */
export function k6Fields(spec: UnnamedExecutor): Record<string, unknown> {
  const d = formatDuration;
  switch (spec.executor) {
    case 'constant-vus':
      return { executor: spec.executor, vus: spec.vus, duration: d(spec.durationMs) };
    case 'ramping-vus':
      return {
        executor: spec.executor,
        'start-vus': spec.startVus,
        stages: stagesOf(spec.stages),
        'graceful-ramp-down': d(spec.gracefulRampDownMs),
      };
    case 'shared-iterations':
    case 'per-vu-iterations':
      return {
        executor: spec.executor,
        vus: spec.vus,
        iterations: spec.iterations,
        'max-duration': d(spec.maxDurationMs),
      };
    case 'constant-arrival-rate':
      return {
        executor: spec.executor,
        rate: spec.rate,
        'time-unit': d(spec.timeUnitMs),
        duration: d(spec.durationMs),
        'pre-allocated-vus': spec.preAllocatedVus,
        'max-vus': spec.maxVus,
      };
    case 'ramping-arrival-rate':
      return {
        executor: spec.executor,
        'start-rate': spec.startRate,
        'time-unit': d(spec.timeUnitMs),
        stages: stagesOf(spec.stages),
        'pre-allocated-vus': spec.preAllocatedVus,
        'max-vus': spec.maxVus,
      };
    default:
      return assertNever(spec);
  }
}

/** `start-time` and `graceful-stop` of `spec`, when they are not the defaults. */
export function timingFields(spec: Pick<ExecutorSpec, 'startTimeMs' | 'gracefulStopMs'>): Record<string, unknown> {
  return {
    ...(spec.startTimeMs > 0 ? { 'start-time': formatDuration(spec.startTimeMs) } : {}),
    ...(spec.gracefulStopMs !== defaultGracefulStopMs ? { 'graceful-stop': formatDuration(spec.gracefulStopMs) } : {}),
  };
}

function stagesOf(stages: readonly Stage[]) {
  return stages.map((s) => ({ duration: formatDuration(s.durationMs), target: s.target }));
}

function assertNever(x: never): never {
  throw new Error(`unexpected executor ${JSON.stringify(x)}`);
}
