/**
 * Runs a test on this machine, as `dlt run` does and as an agent runs its task: compile, run
 * on the engine (on this thread or on worker threads, one share each) into recorders, a merged
 * snapshot every second (live view, abort-on-fail thresholds), then the merged result, the
 * thresholds and the summary.
 */
import { regularDurationMs } from '@dlt/engine';
import { evaluateThresholds, shouldAbort, summarize } from '@dlt/metrics';
import type { CompiledTest, RunSummary, Snapshot, TaskResult, ThresholdOutcome } from '@dlt/model';
import { runShare, type ShareOutcome } from './run-share.ts';
import { compileSource, type TestSource } from './test-source.ts';
import { runOnWorkers } from './worker-pool.ts';

/** One second of a run as shown live. */
export interface SecondView {
  readonly elapsedMs: number;
  /** Planned length when every executor has a fixed duration. */
  readonly totalMs?: number;
  readonly vus: number;
  readonly rps: number;
  readonly p95Ms: number;
  /** Since the start. */
  readonly requests: number;
  readonly failures: number;
  readonly failuresLastSecond: number;
  readonly snapshot: Snapshot;
}

export interface LocalRunOptions {
  readonly signal?: AbortSignal;
  /** Worker threads; 1 (the default) runs everything on this thread. */
  readonly workers?: number;
  /** Evaluate thresholds (default true); off, none is checked nor aborts the run. */
  readonly evaluateThresholds?: boolean;
  readonly onSecond?: (view: SecondView) => void;
  readonly onWarning?: (message: string) => void;
}

export interface LocalRunOutcome {
  readonly result: TaskResult;
  readonly summary: RunSummary;
  readonly thresholdsCrossed: boolean;
  readonly abortedByThreshold: boolean;
  /** Stopped by the caller's signal or the hard cap rather than by the executors. */
  readonly interrupted: boolean;
}

/** Compiles and runs `source`; rejects only on bad input or an internal failure. */
export async function runLocal(source: TestSource, options: LocalRunOptions = {}): Promise<LocalRunOutcome> {
  const test = await compileSource(source);
  for (const w of test.warnings) options.onWarning?.(w);
  const thresholds = options.evaluateThresholds === false ? [] : test.thresholds;
  const withResults = thresholds.some((t) => t.abortOnFail);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const started = Date.now();
  const totalMs = plannedMs(test);
  let requests = 0;
  let failures = 0;
  let abortedByThreshold = false;
  const onSecond = (snap: Snapshot, cumulative?: TaskResult) => {
    requests += snap.totals.requests;
    failures += snap.totals.failures;
    const elapsedMs = Date.now() - started;
    options.onSecond?.({
      elapsedMs,
      totalMs,
      vus: snap.vus,
      rps: snap.durationMs > 0 ? (snap.totals.requests * 1000) / snap.durationMs : 0,
      p95Ms: snap.totals.responseTime.p95,
      requests,
      failures,
      failuresLastSecond: snap.totals.failures,
      snapshot: snap,
    });
    if (cumulative && !abortedByThreshold && shouldAbort(thresholds, cumulative, elapsedMs).abort) {
      abortedByThreshold = true;
      stop.abort();
    }
  };
  // An external tool (Locust) is one process per execution: worker threads would only run it twice.
  const workers = test.external?.length ? 1 : (options.workers ?? 1);
  if (test.external?.length && (options.workers ?? 1) > 1)
    options.onWarning?.('Locust runs in its own process; --workers is ignored');
  let outcome: ShareOutcome;
  try {
    outcome =
      workers <= 1
        ? await runShare(test, {
            index: 0,
            count: 1,
            signal: stop.signal,
            withResults,
            onSecond,
            ...(options.onWarning ? { onWarning: options.onWarning } : {}),
          })
        : await runOnWorkers(source, { count: workers, signal: stop.signal, withResults, onSecond });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const outcomes: Record<string, ThresholdOutcome> = evaluateThresholds(thresholds, outcome.result);
  return {
    result: outcome.result,
    summary: summarize(outcome.result, outcomes),
    thresholdsCrossed: Object.values(outcomes).some((o) => !o.ok),
    abortedByThreshold,
    interrupted: outcome.interrupted && !abortedByThreshold,
  };
}

/** The planned length, or undefined when an executor ends by iterations rather than time. */
function plannedMs(test: CompiledTest): number | undefined {
  let end = 0;
  for (const r of test.external ?? []) end = Math.max(end, r.startTimeMs + r.runTimeMs);
  for (const e of test.executors) {
    if (e.executor === 'shared-iterations' || e.executor === 'per-vu-iterations') return undefined;
    if ((e.executor === 'constant-vus' || e.executor === 'ramping-vus') && e.iterationsPerVu !== undefined)
      return undefined;
    end = Math.max(end, e.startTimeMs + regularDurationMs(e));
  }
  return end;
}
