/**
 * A small agent that speaks the protocol by hand, for the server's own tests: it says hello,
 * answers pings (with a clock it may skew on purpose), records what the server sends, and can
 * answer ready / started / failed / done and upload a result it is given. No load is generated.
 */
import {
  type AgentMessage,
  agentConnectPath,
  agentResultPath,
  protocolVersion,
  type ServerMessage,
  type TaskUpload,
} from '@dlt/model';
import { WebSocket } from 'ws';

export interface ProtocolAgentOptions {
  readonly url: string;
  readonly token: string;
  readonly region: string;
  readonly name?: string;
  /** Default `agent-<name>`; another id with the same name is another agent. */
  readonly agentId?: string;
  readonly protocol?: number;
  /** Added to the agent's clock in pongs, ms. */
  readonly skewMs?: number;
  readonly running?: readonly string[];
  readonly slots?: number;
}

export class ProtocolAgent {
  readonly received: ServerMessage[] = [];
  readonly #o: ProtocolAgentOptions;
  readonly #ws: WebSocket;
  readonly #waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  readonly closed: Promise<number>;
  /** The close reason the server gave, once closed. */
  closeReason = '';
  /** Added to the agent's clock in pongs, ms; may be changed to move its clock. */
  skewMs: number;
  #muted = false;

  constructor(o: ProtocolAgentOptions) {
    this.#o = o;
    this.skewMs = o.skewMs ?? 0;
    const url = new URL(agentConnectPath, o.url);
    url.protocol = 'ws:';
    this.#ws = new WebSocket(url, { headers: { authorization: `Bearer ${o.token}` } });
    this.closed = new Promise((resolve) =>
      this.#ws.on('close', (code, reason) => {
        this.closeReason = String(reason);
        resolve(code);
      }),
    );
    this.#ws.on('error', () => {});
    this.#ws.on('open', () =>
      this.send({
        type: 'hello',
        protocol: o.protocol ?? protocolVersion,
        agentId: o.agentId ?? `agent-${o.name ?? 'x'}`,
        name: o.name ?? 'x',
        region: o.region,
        version: 'test',
        cores: 1,
        slots: o.slots ?? 1,
        running: o.running ?? [],
      }),
    );
    this.#ws.on('message', (data) => this.#receive(JSON.parse(String(data)) as ServerMessage));
  }

  #receive(m: ServerMessage): void {
    if (m.type === 'ping') {
      if (this.#muted) return;
      this.send({ type: 'pong', id: m.id, agentTime: Date.now() + this.skewMs });
      return;
    }
    this.received.push(m);
    for (const w of [...this.#waiters]) {
      if (!w.match(m)) continue;
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve(m);
    }
  }

  send(m: AgentMessage): void {
    this.#ws.send(JSON.stringify(m));
  }

  /** Sends anything at all (for the tests of what the server refuses). */
  sendRaw(data: string | Buffer): void {
    this.#ws.send(data);
  }

  /** Stops answering pings, as a hung agent would (the connection stays open). */
  mute(): void {
    this.#muted = true;
  }

  /** The first message of `type` (already received, or the next one). */
  next<T extends ServerMessage['type']>(type: T, timeoutMs = 5_000): Promise<Extract<ServerMessage, { type: T }>> {
    const seen = this.received.find((m) => m.type === type);
    if (seen) return Promise.resolve(seen as Extract<ServerMessage, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        match: (m) => m.type === type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ServerMessage, { type: T }>);
        },
      });
    });
  }

  /** PUTs an upload with this agent's token; returns the status and body. */
  async upload(u: TaskUpload): Promise<{ status: number; body: unknown }> {
    const res = await fetch(new URL(agentResultPath(u.taskId), this.#o.url), {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.#o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(u),
    });
    return { status: res.status, body: await res.json() };
  }

  close(): void {
    this.#ws.terminate();
  }
}
