/**
 * `dlt tests watch ID`: follows a test's run live from any terminal — started elsewhere, by a
 * schedule or by a colleague. It reads the run's live stream (a late watcher is first sent the
 * seconds it missed), prints a line a second (status, VUs, req/s, p95, totals and errors, then
 * each region's req/s and p95), follows the stream again if it drops (a server restart), and
 * ends with the results and the exit code of `dlt tests results` once the run ends.
 */
import { ApiError, type DltClient, type LiveSecond, type Scenario, terminalStatuses } from '@dlt/client';
import { formatCount, formatMs, formatRate, type Painter, painter } from '../output/format.ts';
import { renderLive } from '../output/live.ts';
import { LiveSeconds, rateOf, secondOf } from './live-seconds.ts';

export interface WatchOptions {
  /** A run of the test other than its latest. */
  readonly runId?: string;
  /** One JSON object per event (status and merged seconds) instead of lines. */
  readonly json: boolean;
  readonly out: NodeJS.WritableStream;
  readonly colour: boolean;
  /** Failed (re)connects in a row tolerated, 1 s apart (default 60). */
  readonly patience?: number;
}

/** Follows the run to its end; resolves with the test as it ended (its run's results included). */
export async function watchRun(client: DltClient, testId: string, o: WatchOptions): Promise<Scenario> {
  const scenario = await client.getScenario(testId, { history: false });
  const runId = o.runId ?? scenario.testRunId;
  if (!runId) throw new ApiError(404, 'TESTRUN_NOT_FOUND', `test ${testId} has not run yet`);
  const seconds = new LiveSeconds();
  const paint = painter(o.colour);
  let status = scenario.status;
  let failures = 0;
  while (!(terminalStatuses as readonly string[]).includes(status)) {
    try {
      for await (const e of client.live(runId)) {
        failures = 0;
        if (e.event === 'status') {
          status = (e.data as { status: Scenario['status'] }).status;
          if (o.json) o.out.write(`${JSON.stringify({ event: 'status', ...(e.data as object) })}\n`);
          else if ((terminalStatuses as readonly string[]).includes(status)) o.out.write(`${status}\n`);
          continue;
        }
        const second = secondOf(e);
        if (!second) continue;
        const fresh = seconds.add(second);
        if (o.json) o.out.write(`${JSON.stringify({ event: 'second', ...second })}\n`);
        else if (fresh) o.out.write(`${watchLine(seconds, second, status, paint)}\n`);
      }
    } catch (e) {
      if (ApiError.is(e) && e.status > 0 && e.status < 500) throw e;
      if (++failures > (o.patience ?? 60)) throw e;
    }
    if ((terminalStatuses as readonly string[]).includes(status)) break;
    // The stream ended without a final status (a server restarting): ask again and follow anew.
    await new Promise((r) => setTimeout(r, 1_000));
    status = await client
      .getTestRun(testId, runId)
      .then((r) => r.status)
      .catch(() => status);
  }
  return { ...scenario, ...(await client.getTestRun(testId, runId)) };
}

/** One second of the run: the live line of `dlt run`, then each region's rate and p95. */
export function watchLine(seconds: LiveSeconds, s: LiveSecond, status: string, paint: Painter): string {
  const totals = seconds.totals();
  const elapsedMs = s.at + s.durationMs - (seconds.firstAt ?? s.at);
  const line = renderLive(
    {
      elapsedMs,
      vus: s.vus,
      rps: rateOf(s),
      p95Ms: s.totals.responseTime.p95,
      requests: totals.requests,
      failures: totals.failures,
      failuresLastSecond: s.totals.failures,
    },
    paint,
  );
  const regions = Object.entries(s.regions)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, part]) => {
      const all = totals.regions.get(name);
      return `${name} ${formatRate(rateOf(part))}/s p95 ${formatMs(part.totals.responseTime.p95)} (${formatCount(all?.requests ?? 0)})`;
    });
  const state = status === 'running' ? '' : ` ${status}`;
  return `${line}${state}${regions.length > 1 ? `  | ${regions.join(' | ')}` : ''}`;
}
