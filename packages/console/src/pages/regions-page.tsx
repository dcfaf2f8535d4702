/**
 * Regions and agents: each region this server can run in (agents, slots, free slots, a local
 * launcher), the agents connected now (version, slots, tasks, clock offset, round trip) and the
 * tasks of runs under way. Refreshes every few seconds.
 */
import type { AgentInfo, Region } from '@dlt/client';
import { Empty, Gate } from '../components/states.tsx';
import { useApi } from '../components/use-api.ts';
import { num, when } from '../lib/format.ts';

/** A region whose agents a launcher starts for each task (the server's own, Kubernetes, ECS). */
const launched = (r: Region) => typeof r.launcher === 'string';

/** A whole number of milliseconds, `12 ms`; a dash when absent. */
const wholeMs = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${num(v, 0)} ms` : '–');

function Regions({ regions }: { regions: readonly Region[] }) {
  if (regions.length === 0)
    return (
      <Empty>
        No regions yet. Start an agent with <code>dlt agent --region NAME</code> or a local launcher.
      </Empty>
    );
  return (
    <table className="grid" aria-label="Regions">
      <thead>
        <tr>
          <th>Region</th>
          <th className="num">Agents</th>
          <th className="num">Offline</th>
          <th className="num">Slots</th>
          <th className="num">Free slots</th>
          <th>Launcher</th>
        </tr>
      </thead>
      <tbody>
        {regions.map((r) => (
          <tr key={r.region}>
            <td>
              <strong>{r.region}</strong>
            </td>
            <td className="num">{num(r.agents)}</td>
            {/* A launcher's agents leave when their task ends: offline there is normal, not a fault. */}
            <td className={`num ${Number(r.offlineAgents) > 0 && !launched(r) ? 'bad-text' : ''}`}>
              {num(r.offlineAgents ?? 0)}
            </td>
            {/* Nor are 0 slots full: the launcher starts agents on demand. */}
            <td className="num">{launched(r) && !r.agents ? '–' : num(r.slots)}</td>
            <td className="num">{launched(r) && !r.agents ? 'on demand' : num(r.freeSlots)}</td>
            <td>
              {typeof r.launcher === 'string'
                ? `${r.launcher}${typeof r.maxTasks === 'number' ? ` (up to ${r.maxTasks} tasks)` : ''}`
                : '–'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Agents({ agents }: { agents: readonly AgentInfo[] }) {
  if (agents.length === 0) return <Empty>No agent is connected.</Empty>;
  return (
    <table className="grid">
      <thead>
        <tr>
          <th>Agent</th>
          <th>Region</th>
          <th>Version</th>
          <th className="num">Cores</th>
          <th className="num">Slots</th>
          <th className="num">Busy</th>
          <th className="num">Clock offset</th>
          <th className="num">Round trip</th>
          <th>Connected</th>
          <th>Last heartbeat</th>
        </tr>
      </thead>
      <tbody>
        {[...agents]
          .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name))
          .map((a) => (
            <tr key={a.agentId}>
              <td>
                <strong>{a.name}</strong>
                <div className="muted small">
                  <code>{a.agentId}</code>
                </div>
              </td>
              <td>{a.region}</td>
              <td>{a.version}</td>
              <td className="num">{num(a.cores)}</td>
              <td className="num">{num(a.slots)}</td>
              <td className="num">{num(a.tasks.length)}</td>
              {/* Whole milliseconds from the server: 0 is under a millisecond, not "0 µs". */}
              <td className="num">{wholeMs(a.clockOffsetMs)}</td>
              <td className="num">{a.rttMs === null ? '–' : a.rttMs === 0 ? '< 1 ms' : wholeMs(a.rttMs)}</td>
              <td>{when(a.connectedAt)}</td>
              <td>{when(a.lastSeen)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

/** An agent the server stopped hearing from (the server keeps them for an hour). */
interface OfflineAgent {
  readonly agentId: string;
  readonly name: string;
  readonly region: string;
  readonly version: string;
  readonly lastSeen: string;
  readonly reason: string;
}

/** The `offline` list servers that keep one add beside `agents`. */
const offlineOf = (d: object): OfflineAgent[] => {
  const list = (d as { offline?: unknown }).offline;
  return Array.isArray(list) ? (list as OfflineAgent[]) : [];
};

function Offline({ agents }: { agents: readonly OfflineAgent[] }) {
  if (agents.length === 0) return null;
  return (
    <table className="grid">
      <caption>Went offline in the last hour</caption>
      <thead>
        <tr>
          <th>Agent</th>
          <th>Region</th>
          <th>Version</th>
          <th>Last heard</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((a) => (
          <tr key={a.agentId}>
            <td>{a.name}</td>
            <td>{a.region}</td>
            <td>{a.version}</td>
            <td>{when(a.lastSeen)}</td>
            <td>{a.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RegionsPage() {
  const regions = useApi((c) => c.listRegions(), [], { pollMs: 5000 });
  const agents = useApi((c) => c.listAgents(), [], { pollMs: 5000 });
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Regions &amp; agents</h1>
          <p className="muted">Where tests can run. A test's tasks go to the agents of the regions it names.</p>
        </div>
      </div>
      <h2>Regions</h2>
      <Gate {...regions}>{(d) => <Regions regions={d.regions} />}</Gate>
      <h2>Agents</h2>
      <Gate {...agents}>
        {(d) => (
          <>
            <Agents agents={d.agents} />
            <Offline agents={offlineOf(d)} />
          </>
        )}
      </Gate>
    </section>
  );
}
