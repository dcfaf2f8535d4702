/**
 * `dlt tests run --wait`: follows a run on the server to its end — its status polled once a
 * second, its numbers from the run's live stream when the server has one — printing one line a
 * second like `dlt run`'s live line, then gives the exit code the outcome deserves.
 */
import { ApiError, type DltClient, type Scenario, terminalStatuses } from '@dlt/client';
import { mergeSnapshots } from '@dlt/metrics';
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

/**
 * The run's numbers so far, from its live stream: each task's snapshot of each second counted
 * once (a late subscriber is sent what it missed), the newest second merged over the tasks.
 */
class LiveNumbers {
  readonly #seen = new Set<string>();
  readonly #seconds = new Map<number, Snapshot[]>();
  #requests = 0;
  #failures = 0;

  async follow(client: DltClient, runId: string, signal: AbortSignal): Promise<void> {
    try {
      for await (const e of client.live(runId, { signal })) {
        const part = snapshotOf(e.data);
        if (part) this.#add(part.taskId, part.snapshot);
      }
    } catch {
      // No live stream (an older server, or none for this run): the status line still shows.
    }
  }

  line(elapsedMs: number, status: string, colour: boolean): string {
    const newest = Math.max(...this.#seconds.keys());
    if (!Number.isFinite(newest) || status !== 'running') return `[${formatClock(elapsedMs).padStart(6)}] ${status}`;
    const s = mergeSnapshots(this.#seconds.get(newest) ?? []);
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

  #add(taskId: string, s: Snapshot): void {
    const key = `${taskId} ${s.at}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#requests += s.totals.requests;
    this.#failures += s.totals.failures;
    this.#seconds.set(s.at, [...(this.#seconds.get(s.at) ?? []), s]);
    // Only the newest seconds are shown; older ones are dropped to keep memory flat.
    for (const at of this.#seconds.keys()) if (at < s.at - 5_000) this.#seconds.delete(at);
  }
}

/** A task's second from a live event: `{ taskId, snapshot }`, or a bare snapshot. */
function snapshotOf(data: unknown): { taskId: string; snapshot: Snapshot } | undefined {
  const o = data as { snapshot?: unknown; taskId?: unknown } | null;
  if (!o || typeof o !== 'object') return undefined;
  const s = ('snapshot' in o ? o.snapshot : o) as Snapshot | null;
  if (!s || typeof s !== 'object' || typeof s.at !== 'number' || typeof s.totals !== 'object') return undefined;
  return { taskId: typeof o.taskId === 'string' ? o.taskId : '', snapshot: s };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
