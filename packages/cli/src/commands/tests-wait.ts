/**
 * `dlt tests run --wait`: follows a run on the server to its end — its status polled once a
 * second, its numbers from the run's live stream (the server's merged seconds) when it has one —
 * printing one line a second like `dlt run`'s live line, then gives the exit code the outcome
 * deserves.
 */
import { ApiError, type DltClient, type Scenario, terminalStatuses } from '@dlt/client';
import type { RunSummary } from '@dlt/model';
import { exitCodes } from '../exit-codes.ts';
import { formatClock, painter } from '../output/format.ts';
import { renderLive } from '../output/live.ts';

export interface WaitOptions {
  readonly quiet: boolean;
  readonly out: NodeJS.WritableStream;
  readonly colour: boolean;
  /** Poll interval, ms (1 s). */
  readonly everyMs?: number;
  /** Failed polls in a row tolerated (a server restarting), default 60. */
  readonly patience?: number;
}

/** 0 passed, 99 a threshold was crossed, 1 failed, cancelled or not finished. */
export function outcomeCode(s: Scenario): number {
  if (s.status !== 'complete') return exitCodes.error;
  const thresholds = (s.summary as RunSummary | undefined)?.thresholds ?? {};
  return Object.values(thresholds).some((t) => !t.ok) ? exitCodes.thresholdsCrossed : exitCodes.ok;
}

/** Waits for the run `started` began; resolves with the test as it ended (its results included). */
export async function waitForRun(client: DltClient, started: Scenario, o: WaitOptions): Promise<Scenario> {
  const t0 = Date.now();
  const live = new LiveNumbers();
  const stopLive = new AbortController();
  let runId = started.testRunId;
  if (runId) void live.follow(client, runId, stopLive.signal);
  let failures = 0;
  try {
    for (;;) {
      let s: Scenario;
      try {
        s = await client.getScenario(started.testId, { history: false });
        failures = 0;
      } catch (e) {
        if (!ApiError.is(e) || (e.status !== 0 && e.status < 500) || ++failures > (o.patience ?? 60)) throw e;
        await sleep(o.everyMs ?? 1_000);
        continue;
      }
      if (!runId && s.testRunId) {
        runId = s.testRunId;
        void live.follow(client, runId, stopLive.signal);
      }
      if ((terminalStatuses as readonly string[]).includes(s.status)) {
        return runId && s.testRunId !== runId ? { ...s, ...(await client.getTestRun(s.testId, runId)) } : s;
      }
      if (!o.quiet) o.out.write(`${live.line(Date.now() - t0, s.status, o.colour)}\n`);
      await sleep(o.everyMs ?? 1_000);
    }
  } finally {
    stopLive.abort();
  }
}

/**
 * The run's numbers so far, from its live stream's `second` events: each one all tasks of a
 * second merged by the server, sent again (same `at`) when a late task's part joins it, so the
 * newest version of each second counts and their sum is the run's total.
 */
class LiveNumbers {
  readonly #seconds = new Map<number, LiveSecondView>();
  #newest: LiveSecondView | undefined;
  #status = '';
  #requests = 0;
  #failures = 0;

  async follow(client: DltClient, runId: string, signal: AbortSignal): Promise<void> {
    try {
      for await (const e of client.live(runId, { signal })) {
        const second = e.event === 'second' ? secondOf(e.data) : undefined;
        if (second) this.#add(second);
      }
    } catch {
      // No live stream (an older server, or none for this run): the status line still shows.
    }
  }

  /** A status line when the status changed (or no numbers yet), else the numbers of the newest second. */
  line(elapsedMs: number, status: string, colour: boolean): string {
    const s = this.#newest;
    const changed = status !== this.#status;
    this.#status = status;
    if (!s || changed || status !== 'running') return `[${formatClock(elapsedMs).padStart(6)}] ${status}`;
    return renderLive(
      {
        elapsedMs,
        vus: s.vus,
        rps: s.durationMs > 0 ? (s.totals.requests * 1_000) / s.durationMs : 0,
        p95Ms: s.totals.responseTime.p95,
        requests: this.#requests,
        failures: this.#failures,
        failuresLastSecond: s.totals.failures,
      },
      painter(colour),
    );
  }

  #add(s: LiveSecondView): void {
    const before = this.#seconds.get(s.at);
    this.#requests += s.totals.requests - (before?.totals.requests ?? 0);
    this.#failures += s.totals.failures - (before?.totals.failures ?? 0);
    this.#seconds.set(s.at, s);
    if (!this.#newest || s.at >= this.#newest.at) this.#newest = s;
    // A second is re-sent only while the server keeps its parts (two minutes): older ones go.
    for (const at of this.#seconds.keys()) if (at < s.at - 300_000) this.#seconds.delete(at);
  }
}

/** The fields of a `second` event this line reads. */
interface LiveSecondView {
  readonly at: number;
  readonly durationMs: number;
  readonly vus: number;
  readonly totals: {
    readonly requests: number;
    readonly failures: number;
    readonly responseTime: { readonly p95: number };
  };
}

function secondOf(data: unknown): LiveSecondView | undefined {
  const s = data as LiveSecondView | null;
  const t = s?.totals;
  const ok =
    typeof s?.at === 'number' &&
    typeof s.durationMs === 'number' &&
    typeof s.vus === 'number' &&
    typeof t?.requests === 'number' &&
    typeof t.failures === 'number' &&
    typeof t.responseTime?.p95 === 'number';
  return ok ? (s as LiveSecondView) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
