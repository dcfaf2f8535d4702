/**
 * `dlt tests run --wait`: follows a run on the server to its end — its status polled once a
 * second, its numbers from the run's live stream when the server has one — printing one line a
 * second like `dlt run`'s live line, then gives the exit code the outcome deserves.
 */
import { ApiError, type DltClient, type Scenario, terminalStatuses } from '@dlt/client';
import type { RunSummary, Snapshot } from '@dlt/model';
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

/** The run's numbers so far, from its live stream (each second counted once). */
class LiveNumbers {
  readonly #seen = new Set<number>();
  #requests = 0;
  #failures = 0;
  #last?: Snapshot;

  async follow(client: DltClient, runId: string, signal: AbortSignal): Promise<void> {
    try {
      for await (const e of client.live(runId, { signal })) {
        const snap = snapshotOf(e.data);
        if (snap) this.#add(snap);
      }
    } catch {
      // No live stream (an older server, or none for this run): the status line still shows.
    }
  }

  line(elapsedMs: number, status: string, colour: boolean): string {
    const s = this.#last;
    if (!s || status !== 'running') return `[${formatClock(elapsedMs).padStart(6)}] ${status}`;
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

  #add(s: Snapshot): void {
    if (this.#seen.has(s.at)) return;
    this.#seen.add(s.at);
    this.#requests += s.totals.requests;
    this.#failures += s.totals.failures;
    if (!this.#last || s.at > this.#last.at) this.#last = s;
  }
}

/** A merged second from a live event: the event itself, or its `snapshot` field. */
function snapshotOf(data: unknown): Snapshot | undefined {
  const o = data as { snapshot?: unknown; at?: unknown; totals?: unknown } | null;
  const s = (o && typeof o === 'object' && 'snapshot' in o ? o.snapshot : o) as Snapshot | null;
  return s && typeof s === 'object' && typeof s.at === 'number' && typeof s.totals === 'object' ? s : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
