/**
 * `GET /metrics`: the platform's own health and the live numbers of every run that is going
 * on, in Prometheus' text format. Health: runs by status, runs started and ended since the
 * server started, agents online and offline and their slots per region, each agent's clock
 * round trip, HTTP requests and their durations per route, the process' memory and CPU. Live:
 * per run and region, requests, failures and bytes so far, and the newest merged second's rate,
 * response-time percentiles and VUs. Scraped with a viewer token (`authorization` in the
 * Prometheus job), like every other read.
 */
import { cpuUsage, memoryUsage, uptime } from 'node:process';
import { isTerminal, type RunStatus } from '../store/store.ts';
import type { ApiContext } from './context.ts';
import { DurationHistogram, Exposition } from './prometheus.ts';
import { type AnyRoute, route } from './route.ts';

/** Counts kept between scrapes: HTTP requests and run endings since the server started. */
export class PlatformMetrics {
  readonly http = new DurationHistogram();
  readonly started = { count: 0 };
  readonly ended = new Map<RunStatus, number>();

  constructor(ctx: ApiContext) {
    ctx.live.onStatus((_runId, status) => {
      if (status === 'queued') this.started.count++;
      if (isTerminal(status)) this.ended.set(status, (this.ended.get(status) ?? 0) + 1);
    });
  }

  /** Records one answered HTTP request (`route` is the route's pattern, never the raw URL). */
  request(method: string, routePattern: string | undefined, status: number, ms: number): void {
    this.http.observe(ms / 1000, { method, route: routePattern ?? 'unmatched', code: String(status) });
  }
}

export function metricsRoutes(ctx: ApiContext, platform: PlatformMetrics): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/metrics',
      access: 'viewer',
      summary: "Prometheus metrics: the platform's health and the live numbers of running runs",
      handler: async ({ reply }) => {
        const text = await render(ctx, platform);
        reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
      },
    }),
  ];
}

async function render(ctx: ApiContext, platform: PlatformMetrics): Promise<string> {
  const x = new Exposition();
  await runs(ctx, platform, x);
  agents(ctx, x);
  platform.http.write(x, 'dlt_http_request_duration_seconds', 'HTTP requests answered, by route, method and status');
  live(ctx, x);
  processFigures(x);
  return x.text();
}

async function runs(ctx: ApiContext, platform: PlatformMetrics, x: Exposition): Promise<void> {
  const active = x.family('dlt_runs', 'gauge', 'Runs that have not ended, by status');
  const byStatus = Map.groupBy(await ctx.store.activeRuns(), (r) => r.status);
  for (const status of ['queued', 'provisioning', 'running', 'cancelling', 'parsing results'] as const) {
    active(byStatus.get(status)?.length ?? 0, { status });
  }
  x.family('dlt_runs_started_total', 'counter', 'Runs started since the server started')(platform.started.count);
  const ended = x.family('dlt_runs_ended_total', 'counter', 'Runs ended since the server started, by final status');
  for (const status of ['complete', 'cancelled', 'failed'] as const) ended(platform.ended.get(status) ?? 0, { status });
}

function agents(ctx: ApiContext, x: Exposition): void {
  const online = x.family('dlt_agents_online', 'gauge', 'Agents connected, per region');
  const offline = x.family('dlt_agents_offline', 'gauge', 'Agents that went offline within the last hour, per region');
  const slots = x.family('dlt_agent_slots', 'gauge', 'Task slots of the connected agents, per region');
  const free = x.family('dlt_agent_slots_free', 'gauge', 'Free task slots of the connected agents, per region');
  const rtt = x.family('dlt_agent_rtt_seconds', 'gauge', "Each agent's best control-channel round trip");
  const regions = new Set([...ctx.orchestrator.launcherRegions, ...ctx.hub.agents().map((a) => a.region)]);
  for (const a of ctx.hub.offline()) regions.add(a.region);
  for (const region of [...regions].sort()) {
    const list = ctx.hub.agents(region);
    online(list.length, { region });
    offline(ctx.hub.offline().filter((a) => a.region === region).length, { region });
    const total = list.reduce((n, a) => n + a.slots, 0);
    slots(total, { region });
    free(total - list.reduce((n, a) => n + Math.min(a.slots, a.tasks.size), 0), { region });
    // Names repeat (the default is the host name): the id keeps each agent's series its own.
    for (const a of list)
      if (Number.isFinite(a.rttMs)) rtt(a.rttMs / 1000, { region, agent: a.name, agent_id: a.agentId });
  }
}

function live(ctx: ApiContext, x: Exposition): void {
  const requests = x.family('dlt_run_requests_total', 'counter', 'Requests a running run has made so far, per region');
  const failures = x.family('dlt_run_failures_total', 'counter', 'Failed requests of a running run so far, per region');
  const bytes = x.family('dlt_run_received_bytes_total', 'counter', 'Bytes a running run has received, per region');
  const rps = x.family('dlt_run_requests_per_second', 'gauge', "Requests per second in the run's newest merged second");
  const latency = x.family(
    'dlt_run_response_time_seconds',
    'gauge',
    "Response-time percentiles of the run's newest merged second (merged histograms)",
  );
  const vus = x.family('dlt_run_vus', 'gauge', "Active virtual users at the end of the run's newest second");
  const newest = ctx.live.latest();
  for (const { run } of ctx.orchestrator.activeRuns()) {
    const base = { run_id: run.runId, test_id: run.testId };
    for (const [region, c] of ctx.live.totals(run.runId)) {
      requests(c.requests, { ...base, region });
      failures(c.failures, { ...base, region });
      bytes(c.bytesReceived, { ...base, region });
    }
    const second = newest.get(run.runId);
    if (!second) continue;
    for (const [region, part] of [['(all)', second] as const, ...Object.entries(second.regions)]) {
      const labels = { ...base, region };
      rps(part.durationMs > 0 ? (part.totals.requests * 1000) / part.durationMs : 0, labels);
      vus(part.vus, labels);
      const t = part.totals.responseTime;
      // `quantile` is reserved for summaries (cumulative over the process' life); these are one
      // second's percentiles, a gauge, so the label has its own name.
      for (const [percentile, ms] of [
        ['50', t.p50],
        ['90', t.p90],
        ['95', t.p95],
        ['99', t.p99],
        ['100', t.max],
      ] as const) {
        latency(ms / 1000, { ...labels, percentile });
      }
    }
  }
}

function processFigures(x: Exposition): void {
  const cpu = cpuUsage();
  x.family('process_cpu_seconds_total', 'counter', 'CPU time of the server process')((cpu.user + cpu.system) / 1e6);
  x.family('process_resident_memory_bytes', 'gauge', 'Resident memory of the server process')(memoryUsage.rss());
  x.family('process_uptime_seconds', 'gauge', 'Seconds since the server process started')(uptime());
}
