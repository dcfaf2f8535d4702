/**
 * One connected agent as the hub sees it: who it said it is, its slots and bound tasks, and its
 * clock. The offset (agent − server) comes from the ping with the lowest round trip among the
 * recent ones (the first burst and about the last minute of heartbeats): the smaller the round
 * trip, the less the unknown split of it can be off, and keeping only recent pings lets the
 * offset follow a clock that is adjusted or drifts while the agent stays connected.
 */
import type { AgentMessage, ServerMessage } from '@dlt/model';
import type { WebSocket } from 'ws';

type Hello = Extract<AgentMessage, { type: 'hello' }>;
type Pong = Extract<AgentMessage, { type: 'pong' }>;

export interface HubTiming {
  /** Pings sent right after hello, before the agent counts as synced. */
  readonly pings: number;
  readonly pingGapMs: number;
  /** A ping every so often keeps the clock fresh and shows the agent alive. */
  readonly heartbeatMs: number;
  /** Heard nothing for this long: the connection is dropped. */
  readonly silentMs: number;
  /** Largest message an agent may send, bytes; a larger one closes its connection (1009). */
  readonly maxMessageBytes: number;
}

/** How many recent pings the offset is chosen from (12 heartbeats: a minute at the default 5 s). */
const recentPings = 12;

export class ConnectedAgent {
  readonly ws: WebSocket;
  readonly agentId: string;
  readonly name: string;
  readonly region: string;
  readonly version: string;
  readonly cores: number;
  readonly slots: number;
  readonly connectedAt = Date.now();
  /** Tasks bound to it by the orchestrator. */
  readonly tasks = new Set<string>();
  offsetMs = 0;
  rttMs = Number.POSITIVE_INFINITY;
  synced = false;
  /** Why the hub let it go, once it has (missed heartbeats, a bad message, refused). */
  goneReason?: string;
  readonly #timing: HubTiming;
  readonly #sent = new Map<number, number>();
  /** The most recent pings' round trips and offsets, newest last. */
  readonly #samples: { rtt: number; offset: number }[] = [];
  readonly #drop: () => void;
  #pongs = 0;
  #nextId = 1;
  #lastHeard = Date.now();
  #timer?: NodeJS.Timeout;

  constructor(ws: WebSocket, hello: Hello, timing: HubTiming, drop: () => void) {
    this.ws = ws;
    this.agentId = String(hello.agentId);
    this.name = String(hello.name);
    this.region = hello.region;
    this.version = String(hello.version);
    this.cores = Number(hello.cores) || 1;
    this.slots = Math.max(1, Math.floor(Number(hello.slots) || 1));
    this.#timing = timing;
    this.#drop = drop;
  }

  /** Sends the first burst of pings, then one per heartbeat, and watches for silence. */
  startClock(): void {
    let burst = 0;
    const tick = () => {
      if (Date.now() - this.#lastHeard > this.#timing.silentMs) return this.#drop();
      this.#ping();
      burst++;
      this.#timer = setTimeout(tick, burst < this.#timing.pings ? this.#timing.pingGapMs : this.#timing.heartbeatMs);
    };
    tick();
  }

  #ping(): void {
    const id = this.#nextId++;
    const serverTime = Date.now();
    this.#sent.set(id, serverTime);
    const m: ServerMessage = { type: 'ping', id, serverTime };
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(m));
  }

  heard(): void {
    this.#lastHeard = Date.now();
  }

  /** When it was last heard from, epoch ms. */
  get lastHeard(): number {
    return this.#lastHeard;
  }

  /** Takes a pong; true when this pong made the agent synced. */
  pong(m: Pong): boolean {
    const sentAt = this.#sent.get(m.id);
    if (sentAt === undefined) return false;
    this.#sent.delete(m.id);
    const rtt = Date.now() - sentAt;
    // The agent read its clock about half a round trip after we sent.
    this.#samples.push({ rtt, offset: m.agentTime - (sentAt + rtt / 2) });
    if (this.#samples.length > Math.max(recentPings, this.#timing.pings)) this.#samples.shift();
    const best = this.#samples.reduce((a, b) => (b.rtt <= a.rtt ? b : a));
    this.rttMs = best.rtt;
    this.offsetMs = best.offset;
    this.#pongs++;
    if (!this.synced && this.#pongs >= this.#timing.pings) {
      this.synced = true;
      return true;
    }
    return false;
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
