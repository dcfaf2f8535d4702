/** `GET /api/regions`, `GET /api/tasks` and `GET /api/agents`: what this server can run on, and what runs now. */
import type { ApiContext } from './context.ts';
import { knownRegions } from './context.ts';

export function regionsView(ctx: ApiContext) {
  // Regions whose agents all went away are listed too (with none online), so they do not vanish.
  const names = [...new Set([...knownRegions(ctx), ...ctx.hub.offline().map((a) => a.region)])].sort();
  const regions = names.map((region) => {
    const agents = ctx.hub.agents(region);
    const launcher = ctx.orchestrator.launcherFor(region);
    const slots = agents.reduce((n, a) => n + a.slots, 0);
    const busy = agents.reduce((n, a) => n + Math.min(a.slots, a.tasks.size), 0);
    return {
      region,
      agents: agents.length,
      offlineAgents: ctx.hub.offline().filter((a) => a.region === region).length,
      slots,
      freeSlots: slots - busy,
      launcher: launcher ? (launcher.kind ?? 'local') : null,
      ...(launcher ? { maxTasks: launcher.maxTasks } : {}),
      compatible: true,
    };
  });
  return { regions, url: null };
}

export function tasksView(ctx: ApiContext) {
  const byRegion = new Map<
    string,
    { taskId: string; testId: string; testRunId: string; status: string; agentId?: string }[]
  >();
  for (const { run, tasks } of ctx.orchestrator.activeRuns()) {
    for (const t of tasks) {
      if (t.resultStored || t.status === 'failed' || t.status === 'cancelled') continue;
      const list = byRegion.get(t.region) ?? [];
      list.push({ taskId: t.taskId, testId: run.testId, testRunId: run.runId, status: t.status, agentId: t.agentId });
      byRegion.set(t.region, list);
    }
  }
  return [...byRegion].map(([region, tasks]) => ({ region, taskArns: tasks.map((t) => t.taskId), tasks }));
}

export function agentsView(ctx: ApiContext) {
  return {
    agents: ctx.hub.agents().map((a) => ({
      agentId: a.agentId,
      name: a.name,
      region: a.region,
      version: a.version,
      cores: a.cores,
      slots: a.slots,
      tasks: [...a.tasks],
      clockOffsetMs: a.offsetMs,
      rttMs: Number.isFinite(a.rttMs) ? a.rttMs : null,
      connectedAt: new Date(a.connectedAt).toISOString(),
      status: 'online',
      lastSeen: new Date(a.lastHeard).toISOString(),
    })),
    offline: ctx.hub.offline().map((a) => ({
      ...a,
      lastSeen: new Date(a.lastSeen).toISOString(),
      status: 'offline',
    })),
  };
}
