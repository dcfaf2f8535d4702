/**
 * Runs a compiled test: every executor side by side from one start, each after its own
 * `startTimeMs`, until all are done, the signal aborts, or the hard cap passes.
 */
import { badInput, type CompiledTest, type ExecutorSpec, type Problem } from '@dlt/model';
import { constantArrivalRate } from './executors/constant-arrival-rate.ts';
import { constantVus } from './executors/constant-vus.ts';
import type { ExecutorEnv } from './executors/executor-env.ts';
import { perVuIterations } from './executors/per-vu-iterations.ts';
import { rampingArrivalRate } from './executors/ramping-arrival-rate.ts';
import { rampingVus } from './executors/ramping-vus.ts';
import { sharedIterations } from './executors/shared-iterations.ts';
import { createDnsCache, createHttpClient } from './http/index.ts';
import type { CreateHttpClient } from './http/types.ts';
import { maxDurationMs, peakVus, planVus } from './plan/plan-vus.ts';
import type { SampleSink } from './sample-sink.ts';
import { type ScenarioCounts, Tally } from './tally.ts';
import { sleepUntil } from './vu/sleep.ts';
import { Vu } from './vu/vu.ts';
import { VuGauge } from './vu/vu-gauge.ts';
import { VuPool } from './vu/vu-pool.ts';

export interface RunOptions {
  /** Receives every sample, iteration, dropped iteration and VU count. */
  readonly sink: SampleSink;
  /** One client per VU; the engine's own HTTP client by default. */
  readonly createClient?: CreateHttpClient;
  /** Aborting stops the run at once: running iterations are interrupted. */
  readonly signal?: AbortSignal;
  /** Stops the run this long after its start, whatever the executors say (default: their longest end + 10 s). */
  readonly hardMaxDurationMs?: number;
  /** Called whenever the number of active VUs changes. */
  readonly onVus?: (active: number) => void;
  /**
   * Start at this wall-clock instant (epoch ms) instead of as soon as the VUs are ready: every
   * worker thread, process or machine of a run given the same instant starts together.
   */
  readonly startAtEpochMs?: number;
  /** Called at the common start with its wall-clock time (epoch ms), after the VUs are made. */
  readonly onStart?: (startedAtEpochMs: number) => void;
}

export interface RunResult {
  /** `performance.now()` at the common start and at the end. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Adds to an instant (`performance.now()`) to give epoch milliseconds. */
  readonly epochOffset: number;
  /** Ended by the signal or the hard cap rather than by the executors. */
  readonly interrupted: boolean;
  readonly scenarios: readonly ScenarioCounts[];
}

/** Runs `test` to its end (see the file's opening sentence); rejects only on a bad test. */
export async function runTest(test: CompiledTest, options: RunOptions): Promise<RunResult> {
  checkPrograms(test);
  const tally = new Tally(
    options.sink,
    test.executors.map((e) => e.name),
  );
  const gauge = new VuGauge(tally, options.onVus);
  const stop = new AbortController();
  const pools = makePools(test, tally, options.createClient ?? createHttpClient);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  try {
    // Every VU the executors start with is made and initialised before the common start, as k6 does.
    await Promise.all(test.executors.map((spec, i) => pools[i].warm(planVus(spec)[0].vus)));
    if (options.startAtEpochMs !== undefined) {
      await sleepUntil(performance.now() + (options.startAtEpochMs - Date.now()), stop.signal);
    }
    const startedAt = performance.now();
    options.onStart?.(performance.timeOrigin + startedAt);
    const capMs = options.hardMaxDurationMs ?? longestEndMs(test.executors) + 10_000;
    const cap = setTimeout(onAbort, capMs);
    try {
      await Promise.all(
        test.executors.map(async (spec, i) => {
          const startAt = startedAt + spec.startTimeMs;
          await sleepUntil(startAt, stop.signal);
          if (stop.signal.aborted) return;
          await runExecutor(spec, { pool: pools[i], signal: stop.signal, sink: tally, gauge, startAt });
        }),
      );
    } finally {
      clearTimeout(cap);
    }
    const endedAt = performance.now();
    return {
      startedAt,
      endedAt,
      epochOffset: performance.timeOrigin,
      interrupted: stop.signal.aborted,
      scenarios: tally.counts(),
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const pool of pools) pool.close();
  }
}

/** Runs one executor to its end. */
export function runExecutor(spec: ExecutorSpec, env: ExecutorEnv): Promise<void> {
  switch (spec.executor) {
    case 'constant-vus':
      return constantVus(spec, env);
    case 'ramping-vus':
      return rampingVus(spec, env);
    case 'shared-iterations':
      return sharedIterations(spec, env);
    case 'per-vu-iterations':
      return perVuIterations(spec, env);
    case 'constant-arrival-rate':
      return constantArrivalRate(spec, env);
    case 'ramping-arrival-rate':
      return rampingArrivalRate(spec, env);
    default: {
      const never: never = spec;
      throw new Error(`unknown executor ${(never as { executor?: string }).executor}`);
    }
  }
}

/** The latest moment any executor can still run, from the common start. */
export function longestEndMs(executors: readonly ExecutorSpec[]): number {
  return Math.max(0, ...executors.map((e) => e.startTimeMs + maxDurationMs(e)));
}

function makePools(test: CompiledTest, tally: Tally, createClient: CreateHttpClient): VuPool[] {
  const dns = createDnsCache();
  let lastId = 0;
  return test.executors.map((spec) => {
    const program = test.programs[spec.program];
    const onError = (error: unknown) => tally.error(spec.name, error);
    const make = () =>
      new Vu({ id: ++lastId, scenario: spec.name, program, client: createClient({ dns }), sink: tally, onError });
    return new VuPool(make, peakVus(spec));
  });
}

function checkPrograms(test: CompiledTest): void {
  const problems: Problem[] = test.executors.flatMap((e, i): Problem[] =>
    Object.hasOwn(test.programs, e.program)
      ? []
      : [{ file: test.source, field: `executors[${i}].program`, message: `no VU program named "${e.program}"` }],
  );
  if (problems.length > 0) throw badInput(problems);
}
