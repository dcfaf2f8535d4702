/**
 * The agent hub: the WebSocket end of the control channel. It checks the agent's token before
 * the upgrade, the protocol version at hello, measures each agent's clock (several pings, the
 * lowest round trip kept, refreshed by heartbeats), drops agents that fall silent, and tells the
 * orchestrator what agents say. It knows agents and slots; which task goes where is the
 * orchestrator's business.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type AgentMessage, agentConnectPath, protocolVersion, type ServerMessage } from '@dlt/model';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Auth } from '../auth/auth.ts';
import { allows } from '../auth/roles.ts';
import { ConnectedAgent, type HubTiming } from './connected-agent.ts';

export type { ConnectedAgent } from './connected-agent.ts';

/** What the orchestrator hears from the hub. */
export interface HubEvents {
  /** An agent is connected, its clock measured, and it may have free slots. */
  onAvailable(agent: ConnectedAgent): void;
  /** An agent came (back) saying it still runs these tasks. */
  onBack(agent: ConnectedAgent, running: readonly string[]): void;
  onMessage(agent: ConnectedAgent, message: Exclude<AgentMessage, { type: 'hello' | 'pong' }>): void;
  /** The agent's connection is gone (closed, or silent too long). */
  onGone(agent: ConnectedAgent): void;
}

export const defaultHubTiming: HubTiming = { pings: 5, pingGapMs: 20, heartbeatMs: 5_000, silentMs: 15_000 };

export class AgentHub {
  readonly #auth: Auth;
  readonly #timing: HubTiming;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  readonly #agents = new Map<string, ConnectedAgent>();
  #events?: HubEvents;

  constructor(auth: Auth, timing: Partial<HubTiming> = {}) {
    this.#auth = auth;
    this.#timing = { ...defaultHubTiming, ...timing };
  }

  /** Who to tell; set once by the orchestrator. */
  listen(events: HubEvents): void {
    this.#events = events;
  }

  /** Serves the agent endpoint on `server`'s upgrades. */
  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => void this.#upgrade(req, socket, head));
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== agentConnectPath) return refuse(socket, 404, 'Not Found');
    const principal = await this.#auth.authenticate(req.headers.authorization).catch(() => undefined);
    if (!principal) return refuse(socket, 401, 'Unauthorized');
    if (!allows(principal.role, 'agent')) return refuse(socket, 403, 'Forbidden');
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  #accept(ws: WebSocket): void {
    let agent: ConnectedAgent | undefined;
    const helloTimer = setTimeout(() => ws.close(4000, 'no hello'), 10_000);
    ws.on('message', (data) => {
      let m: AgentMessage;
      try {
        m = JSON.parse(String(data)) as AgentMessage;
      } catch {
        return;
      }
      if (agent === undefined) {
        clearTimeout(helloTimer);
        agent = this.#hello(ws, m);
        return;
      }
      agent.heard();
      if (m.type === 'pong') {
        if (agent.pong(m) && agent.synced) this.#events?.onAvailable(agent);
        return;
      }
      if (m.type !== 'hello') this.#events?.onMessage(agent, m);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (agent && this.#agents.get(agent.agentId) === agent) {
        this.#agents.delete(agent.agentId);
        agent.stop();
        this.#events?.onGone(agent);
      }
    });
    ws.on('error', () => ws.terminate());
  }

  #hello(ws: WebSocket, m: AgentMessage): ConnectedAgent | undefined {
    const refused = (reason: string) => {
      send(ws, { type: 'refused', reason });
      ws.close(4001, 'refused');
      return undefined;
    };
    if (m.type !== 'hello') return refused(`the first message must be hello, not ${String(m.type)}`);
    if (m.protocol !== protocolVersion) {
      return refused(
        `agent protocol ${m.protocol} does not match the server's protocol ${protocolVersion}; run the same dlt version on both`,
      );
    }
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(String(m.region)))
      return refused(`bad region name ${JSON.stringify(m.region)}`);
    const old = this.#agents.get(m.agentId);
    if (old) {
      // A reconnect: the old socket is stale; forget it quietly, the tasks carry over.
      this.#agents.delete(m.agentId);
      old.stop();
      old.ws.terminate();
    }
    const agent = new ConnectedAgent(ws, m, this.#timing, () => ws.terminate());
    this.#agents.set(agent.agentId, agent);
    send(ws, { type: 'welcome', agentId: agent.agentId, protocol: protocolVersion, serverTime: Date.now() });
    agent.startClock();
    if (m.running.length > 0) this.#events?.onBack(agent, m.running);
    return agent;
  }

  /** Sends to a connected agent; false when it is not connected. */
  send(agentId: string, m: ServerMessage): boolean {
    const a = this.#agents.get(agentId);
    return a !== undefined && send(a.ws, m);
  }

  /** Tells an agent it is not wanted (it exits) and closes its connection. */
  refuse(agentId: string, reason: string): void {
    const a = this.#agents.get(agentId);
    if (!a) return;
    send(a.ws, { type: 'refused', reason });
    a.ws.close(4001, 'refused');
  }

  get(agentId: string): ConnectedAgent | undefined {
    return this.#agents.get(agentId);
  }

  /** Connected agents, optionally of one region. */
  agents(region?: string): ConnectedAgent[] {
    return [...this.#agents.values()].filter((a) => region === undefined || a.region === region);
  }

  /** A synced agent of `region` with a free slot: the one named `name` if any (only it, when `only`). */
  freeAgent(region: string, name?: string, only = false): ConnectedAgent | undefined {
    const free = this.agents(region).filter((a) => a.synced && a.tasks.size < a.slots);
    const named = free.find((a) => a.name === name);
    return only ? named : (named ?? free[0]);
  }

  async close(): Promise<void> {
    for (const a of this.#agents.values()) {
      a.stop();
      a.ws.terminate();
    }
    this.#agents.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

function send(ws: WebSocket, m: ServerMessage): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  ws.send(JSON.stringify(m));
  return true;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
