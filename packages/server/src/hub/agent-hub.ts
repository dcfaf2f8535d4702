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
import { readAgentMessage } from './agent-messages.ts';
import { ConnectedAgent, type HubTiming } from './connected-agent.ts';

export type { ConnectedAgent } from './connected-agent.ts';

/** An agent that was connected and is not any more, kept a while for the agents list. */
export interface OfflineAgent {
  readonly agentId: string;
  readonly name: string;
  readonly region: string;
  readonly version: string;
  readonly cores: number;
  readonly slots: number;
  /** When it was last heard from, epoch ms. */
  readonly lastSeen: number;
  /** Why it is offline: it missed its heartbeats, its connection closed, or it was refused. */
  readonly reason: string;
}

/** Close codes the hub uses (4000–4999 are the application's). */
export const closeCodes = { noHello: 4000, refused: 4001, badMessage: 4002, silent: 4003 } as const;

/** Most offline agents remembered, and for how long, ms. */
const offlineLimit = 1_000;
const offlineKeepMs = 3600_000;

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

export const defaultHubTiming: HubTiming = {
  pings: 5,
  pingGapMs: 20,
  heartbeatMs: 5_000,
  silentMs: 15_000,
  maxMessageBytes: 16 * 1024 * 1024,
};

export class AgentHub {
  readonly #auth: Auth;
  readonly #timing: HubTiming;
  readonly #wss: WebSocketServer;
  readonly #agents = new Map<string, ConnectedAgent>();
  readonly #offline = new Map<string, OfflineAgent>();
  readonly #log: (line: string) => void;
  #events?: HubEvents;

  constructor(auth: Auth, timing: Partial<HubTiming> = {}, log: (line: string) => void = () => {}) {
    this.#auth = auth;
    this.#timing = { ...defaultHubTiming, ...timing };
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: this.#timing.maxMessageBytes });
    this.#log = log;
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
    // The body says why; the agent prints it as it exits.
    if (!principal) {
      const why = req.headers.authorization
        ? 'the agent token is unknown, deleted or expired'
        : 'no token: send Authorization: Bearer <agent token>';
      return refuse(socket, 401, 'Unauthorized', why);
    }
    if (!allows(principal.role, 'agent')) {
      const why = `a ${principal.role} token is no agent token; make one with POST /api/tokens {"role": "agent"}`;
      return refuse(socket, 403, 'Forbidden', why);
    }
    const authorization = req.headers.authorization;
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, authorization));
  }

  #accept(ws: WebSocket, authorization: string | undefined): void {
    let agent: ConnectedAgent | undefined;
    let received = 0;
    let refused = false;
    const helloTimer = setTimeout(() => ws.close(closeCodes.noHello, 'no hello within 10 s'), 10_000);
    // A token revoked (or expired) while its agent is connected ends that connection at the next
    // heartbeat; otherwise the agent would keep taking tasks whose uploads the server refuses.
    const recheck = setInterval(async () => {
      const principal = await this.#auth.authenticate(authorization).catch(() => undefined);
      if (agent && this.#agents.get(agent.agentId) === agent && !(principal && allows(principal.role, 'agent')))
        this.refuse(agent.agentId, 'its agent token was revoked or has expired');
    }, this.#timing.heartbeatMs);
    recheck.unref();
    ws.on('message', (data) => {
      // After a refusal nothing more from this connection counts (it is closing).
      if (refused) return;
      received++;
      const read = readAgentMessage(String(data));
      if (!read.ok) {
        refused = true;
        if (agent === undefined) return void this.#refuseHello(ws, `bad hello: ${read.reason}`);
        return this.#badMessage(ws, agent, `message ${received} refused: ${read.reason}`);
      }
      const m = read.message;
      if (agent === undefined) {
        clearTimeout(helloTimer);
        agent = this.#hello(ws, m);
        refused = agent === undefined;
        return;
      }
      agent.heard();
      if (m.type === 'pong') {
        if (agent.pong(m) && agent.synced) this.#events?.onAvailable(agent);
        return;
      }
      if (m.type !== 'hello') this.#events?.onMessage(agent, m);
    });
    ws.on('close', (code, reason) => {
      clearTimeout(helloTimer);
      clearInterval(recheck);
      if (agent && this.#agents.get(agent.agentId) === agent) {
        this.#agents.delete(agent.agentId);
        agent.stop();
        const why = agent.goneReason ?? (code === 1009 ? tooBig(this.#timing.maxMessageBytes) : 'disconnected');
        agent.goneReason = why;
        this.#remember(agent, why);
        this.#log(`agent ${agent.name} (${agent.region}) offline: ${why}${reason.length ? ` (${reason})` : ''}`);
        this.#events?.onGone(agent);
      }
    });
    ws.on('error', (e: Error & { code?: string }) => {
      // ws has already sent the close frame for a protocol error (1009 for an oversized
      // message); give it a moment to reach the agent before the socket goes.
      if (agent && e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        agent.goneReason ??= tooBig(this.#timing.maxMessageBytes);
      this.#log(`agent connection: ${e.message}`);
      setTimeout(() => ws.terminate(), 1_000).unref();
    });
  }

  /** A message that breaks the protocol: the connection is closed with the reason; others go on. */
  #badMessage(ws: WebSocket, agent: ConnectedAgent | undefined, reason: string): void {
    const who = agent ? `agent ${agent.name} (${agent.region})` : 'an agent before hello';
    this.#log(`${who}: ${reason}`);
    if (agent) agent.goneReason = reason;
    ws.close(closeCodes.badMessage, closeReason(reason));
    setTimeout(() => ws.terminate(), 1_000).unref();
  }

  #remember(agent: ConnectedAgent, reason: string): void {
    const { agentId, name, region, version, cores, slots } = agent;
    this.#offline.delete(agentId);
    this.#offline.set(agentId, { agentId, name, region, version, cores, slots, lastSeen: agent.lastHeard, reason });
    const cutoff = Date.now() - offlineKeepMs;
    for (const [k, v] of this.#offline) {
      if (this.#offline.size <= offlineLimit && v.lastSeen >= cutoff) break;
      this.#offline.delete(k);
    }
  }

  /** Agents that went offline within the last hour (newest last), not since back. */
  offline(): OfflineAgent[] {
    return [...this.#offline.values()].filter((a) => !this.#agents.has(a.agentId));
  }

  #refuseHello(ws: WebSocket, reason: string): undefined {
    this.#log(`agent refused: ${reason}`);
    send(ws, { type: 'refused', reason });
    ws.close(closeCodes.refused, 'refused');
    return undefined;
  }

  #hello(ws: WebSocket, m: AgentMessage): ConnectedAgent | undefined {
    const refused = (reason: string) => this.#refuseHello(ws, reason);
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
    const agent = new ConnectedAgent(ws, m, this.#timing, () => {
      agent.goneReason = `missed its heartbeats: nothing heard for ${Math.round(this.#timing.silentMs / 1000)} s`;
      ws.close(closeCodes.silent, 'missed heartbeats');
      setTimeout(() => ws.terminate(), 1_000).unref();
    });
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
    a.goneReason = `refused: ${reason}`;
    a.ws.close(closeCodes.refused, 'refused');
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

/** A close reason is at most 123 bytes of UTF-8 (the full one is in the server's log). */
function closeReason(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  return r;
}

const tooBig = (limit: number) => `sent a message over the size limit (${limit} bytes)`;

function send(ws: WebSocket, m: ServerMessage): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  ws.send(JSON.stringify(m));
  return true;
}

function refuse(socket: Duplex, status: number, text: string, body = ''): void {
  const head = `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n`;
  socket.end(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
