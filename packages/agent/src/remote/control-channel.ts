/**
 * The agent's end of the control channel: a WebSocket it dials out to the server, that says
 * hello on every connect, and comes back with backoff whenever the connection drops. Messages
 * sent while away are queued and sent in order once the server has welcomed the agent again,
 * so a snapshot taken during an outage reaches the server late rather than never. A ping frame
 * every few seconds finds a dead connection that TCP alone would keep for minutes.
 */
import type { AgentMessage, ServerMessage } from '@dlt/model';
import WebSocket from 'ws';
import { type Backoff, backoffMs, defaultBackoff } from './backoff.ts';

type Hello = Extract<AgentMessage, { type: 'hello' }>;
type Welcome = Extract<ServerMessage, { type: 'welcome' }>;

/** The clock as the agent sees it from hello → welcome: offset (agent − server) and round trip, ms. */
export interface ClockEstimate {
  readonly offsetMs: number;
  readonly rttMs: number;
}

export interface ChannelOptions {
  /** `ws://` or `wss://` address of the server's agent endpoint. */
  readonly url: string;
  readonly token: string;
  /** Built anew for each connect, so it lists the tasks running at that moment. */
  readonly hello: () => Hello;
  readonly onWelcome: (welcome: Welcome, clock: ClockEstimate) => void;
  /** Every other server message, once welcomed. */
  readonly onMessage: (message: ServerMessage) => void;
  /** The server will not have this agent (bad token, other protocol): no more reconnects. */
  readonly onRefused: (reason: string) => void;
  readonly log: (line: string) => void;
  readonly backoff?: Backoff;
  /** Whether tasks are running: reconnects then wait at most `backoff.busyMaxMs`. */
  readonly busy?: () => boolean;
  /** How often to probe the connection, ms (default 5 s); two missed probes drop it. */
  readonly heartbeatMs?: number;
  /** Most messages kept while away (default 20,000); the oldest snapshots go first. */
  readonly queueLimit?: number;
}

export class ControlChannel {
  readonly #o: ChannelOptions;
  readonly #queue: AgentMessage[] = [];
  #ws?: WebSocket;
  #welcomed = false;
  #closed = false;
  #attempt = 0;
  #retry?: NodeJS.Timeout;
  #heartbeat?: NodeJS.Timeout;

  constructor(options: ChannelOptions) {
    this.#o = options;
  }

  /** Whether the server has welcomed the agent on the current connection. */
  get connected(): boolean {
    return this.#welcomed;
  }

  /** Starts dialing; reconnects until `close`. */
  open(): void {
    if (!this.#closed && !this.#ws) this.#dial();
  }

  /** Sends now when welcomed, else queues for the next connection. */
  send(message: AgentMessage): void {
    if (this.#welcomed && this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
    else this.#enqueue(message);
  }

  /** Sends only if connected: for answers that are worthless later (pong). */
  sendLive(message: AgentMessage): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
  }

  /** Stops reconnecting, lets what was sent drain (at most `waitMs`), and closes. */
  async close(waitMs = 2_000): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    const deadline = Date.now() + waitMs;
    while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.close(1000, 'agent stopping');
    const timer = setTimeout(() => ws.terminate(), Math.max(100, deadline - Date.now()));
    await closed;
    clearTimeout(timer);
  }

  #dial(): void {
    const ws = new WebSocket(this.#o.url, {
      headers: { authorization: `Bearer ${this.#o.token}` },
      handshakeTimeout: 10_000,
      maxPayload: 64 * 1024 * 1024,
    });
    this.#ws = ws;
    let helloAt = 0;
    let alive = true;
    ws.on('open', () => {
      helloAt = Date.now();
      ws.send(JSON.stringify(this.#o.hello()));
      this.#heartbeat = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, this.#o.heartbeatMs ?? 5_000);
    });
    ws.on('pong', () => {
      alive = true;
    });
    ws.on('message', (data) => {
      alive = true;
      this.#receive(String(data), helloAt);
    });
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      if (status !== 401 && status !== 403) {
        res.resume();
        this.#o.log(`the server answered HTTP ${status} to the connect; retrying`);
        return void ws.terminate();
      }
      // The server says why in the body (a short text); at most 1 KB of it is read.
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 1024) body += chunk;
      });
      let told = false;
      const done = () => {
        if (told) return;
        told = true;
        const why = body.replace(/\s+/g, ' ').trim().slice(0, 300);
        this.#refuse(`the server refused the agent token (HTTP ${status}${why ? `: ${why}` : ''})`);
        ws.terminate();
      };
      res.once('end', done);
      res.once('error', done);
      res.once('close', done);
    });
    ws.on('error', (e) => this.#o.log(`connection: ${e.message}`));
    ws.on('close', (code, reason) => this.#dropped(ws, code, String(reason)));
  }

  #receive(text: string, helloAt: number): void {
    let m: ServerMessage;
    try {
      m = JSON.parse(text) as ServerMessage;
    } catch {
      this.#o.log('ignored a message that is not JSON');
      return;
    }
    if (m.type === 'refused') {
      this.#refuse(m.reason);
      return;
    }
    if (m.type === 'welcome') {
      const now = Date.now();
      const rttMs = now - helloAt;
      // The welcome was written half a round trip before it arrived, by the server's clock.
      const offsetMs = Math.round(now - rttMs / 2 - m.serverTime);
      this.#welcomed = true;
      this.#attempt = 0;
      this.#o.onWelcome(m, { offsetMs, rttMs });
      this.#flush();
      return;
    }
    if (this.#welcomed) this.#o.onMessage(m);
  }

  #refuse(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#ws?.terminate();
    this.#o.onRefused(reason);
  }

  #dropped(ws: WebSocket, code: number, reason: string): void {
    if (this.#ws !== ws) return;
    clearInterval(this.#heartbeat);
    this.#ws = undefined;
    const was = this.#welcomed;
    this.#welcomed = false;
    if (this.#closed) return;
    const b = this.#o.backoff ?? defaultBackoff;
    const cap = this.#o.busy?.() ? Math.min(b.maxMs, b.busyMaxMs ?? 2_000) : b.maxMs;
    const wait = backoffMs(this.#attempt++, { ...b, maxMs: cap });
    // 1009 and 4000-4999 are the server's reasons (too big, a message refused, silence).
    const why =
      code === 1009 || (code >= 4000 && code < 5000)
        ? ` (closed by the server: ${code} ${reason || 'message too big'})`
        : '';
    this.#o.log(`${was ? 'lost the server' : 'cannot reach the server'}${why}; reconnecting in ${wait} ms`);
    this.#retry = setTimeout(() => this.#dial(), wait);
  }

  #flush(): void {
    const ws = this.#ws;
    while (this.#queue.length > 0 && this.#welcomed && ws?.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(this.#queue.shift()));
    }
  }

  #enqueue(message: AgentMessage): void {
    this.#queue.push(message);
    if (this.#queue.length <= (this.#o.queueLimit ?? 20_000)) return;
    // Control messages (ready, done…) matter more than any one second of numbers.
    const i = this.#queue.findIndex((m) => m.type === 'snapshot');
    this.#queue.splice(Math.max(i, 0), 1);
  }
}
