/**
 * For tests: a small server that speaks the server's side of the agent protocol on loopback —
 * the WebSocket control channel at `agentConnectPath` and the result upload — and records what
 * it heard, so a test can drive a real agent through assign, start, cancel, drops and refusals.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AgentMessage, agentConnectPath, protocolVersion, type ServerMessage, type TaskUpload } from '@dlt/model';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';

export interface HubOptions {
  readonly token?: string;
  /** Refuse every hello with this reason. */
  readonly refuse?: string;
  /** Answer the first N upload attempts with 500. */
  readonly failUploads?: number;
  /** The protocol version this server speaks (default ours); an agent on another is refused. */
  readonly protocol?: number;
}

/** What the hub heard, in order, with the connection it came on (1, 2, … per connect). */
export interface Heard {
  readonly connection: number;
  /** When it arrived, epoch ms. */
  readonly at: number;
  readonly message: AgentMessage;
}

export class TestHub implements AsyncDisposable {
  readonly heard: Heard[] = [];
  /** Accepted uploads by task id (a repeat replaces, as the real server's idempotent store does). */
  readonly uploads = new Map<string, TaskUpload>();
  uploadAttempts = 0;
  /** Refuse upgrades (503) until this epoch ms, to keep an agent away for a while. */
  closedUntil = 0;
  readonly #o: HubOptions;
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  #socket?: WebSocket;
  #connections = 0;
  #waiters: (() => void)[] = [];

  private constructor(options: HubOptions) {
    this.#o = options;
    this.#http = createServer((req, res) => this.#request(req, res));
    this.#http.on('upgrade', (req, socket, head) => {
      const authorised = req.headers.authorization === `Bearer ${this.#token}`;
      const status = req.url !== agentConnectPath ? 404 : !authorised ? 401 : Date.now() < this.closedUntil ? 503 : 0;
      if (status !== 0) {
        const body = status === 401 ? 'the agent token is unknown' : '';
        socket.end(`HTTP/1.1 ${status} No\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connected(ws));
    });
  }

  static async start(options: HubOptions = {}): Promise<TestHub> {
    const hub = new TestHub(options);
    await new Promise<void>((resolve) => hub.#http.listen(0, '127.0.0.1', resolve));
    return hub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
  }

  get #token(): string {
    return this.#o.token ?? 'agent-token';
  }

  /** Sends to the agent on the current connection. */
  send(m: ServerMessage): void {
    this.#socket?.send(JSON.stringify(m));
  }

  /** Cuts the current connection without a close handshake, as a network failure would. */
  drop(): void {
    this.#socket?.terminate();
  }

  /** Messages heard of one type. */
  of<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.heard.flatMap((h) =>
      h.message.type === type ? [h.message as Extract<AgentMessage, { type: T }>] : [],
    );
  }

  /** Resolves when `check` holds (checked at every message or upload), failing after `timeoutMs`. */
  async until<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'the expected message'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; heard ${this.#summary()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  #summary(): string {
    return this.heard.map((h) => `${h.connection}:${h.message.type}`).join(' ');
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  #connected(ws: WebSocket): void {
    const connection = ++this.#connections;
    this.#socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as AgentMessage;
      this.heard.push({ connection, at: Date.now(), message });
      if (message.type === 'hello') this.#hello(ws, message);
      this.#wake();
    });
  }

  #hello(ws: WebSocket, m: Extract<AgentMessage, { type: 'hello' }>): void {
    const speaks = this.#o.protocol ?? protocolVersion;
    const refusal =
      this.#o.refuse ?? (m.protocol === speaks ? undefined : `agent protocol ${m.protocol}, server protocol ${speaks}`);
    if (refusal) {
      ws.send(JSON.stringify({ type: 'refused', reason: refusal } satisfies ServerMessage));
      ws.close();
      return;
    }
    ws.send(JSON.stringify({ type: 'welcome', agentId: m.agentId, protocol: protocolVersion, serverTime: Date.now() }));
    for (let id = 1; id <= 3; id++) ws.send(JSON.stringify({ type: 'ping', id, serverTime: Date.now() }));
  }

  #request(req: IncomingMessage, res: ServerResponse): void {
    const m = /^\/api\/agent\/tasks\/([^/]+)\/result$/.exec(req.url ?? '');
    if (req.method !== 'PUT' || !m) return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${this.#token}`) return void res.writeHead(401).end();
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      this.uploadAttempts++;
      if (this.uploadAttempts <= (this.#o.failUploads ?? 0)) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"BOOM","message":"try again"}');
      } else {
        this.uploads.set(decodeURIComponent(m[1]), JSON.parse(body) as TaskUpload);
        res.writeHead(204).end();
      }
      this.#wake();
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const c of this.#wss.clients) c.terminate();
    this.#http.closeAllConnections();
    await new Promise((resolve) => this.#http.close(resolve));
  }
}
