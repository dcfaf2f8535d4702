/**
 * One connection to one origin, carrying one request at a time and kept alive between them.
 * Per-request work is kept to a few field writes: event handlers are made once per socket,
 * the request bytes were serialised by `prepare`, and the response is parsed in place.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ErrorKind } from '@dlt/model';
import { Deadline } from './deadline.ts';
import { errorKindOf, errorMessageOf, type Phase } from './errors.ts';
import type { Prepared } from './prepare.ts';
import { ClientResponse } from './response.ts';
import { ResponseParser } from './response-parser.ts';
import type { DnsCache } from './types.ts';

/**
 * Plain TCP reads land in this one buffer (`onread`), skipping stream machinery and a fresh
 * allocation per read. Sharing it is safe: a read callback runs to completion before the next
 * read starts, and the parser copies whatever it keeps.
 */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/** Requests up to this size are sent in one go, too fast to time apart from the wait. */
const smallWrite = 16 * 1024;

/** Marks a plain socket with the connection it belongs to, for the shared socket handlers. */
const owner = Symbol('dlt.connection');
type Owned = net.Socket & { [owner]?: Connection };

/** A keep-alive connection that reconnects itself when the server has closed it. */
export class Connection {
  #dns: DnsCache;
  /** Where this connection goes back when it can take another request. */
  #idle: Connection[];
  #socket: net.Socket | null = null;
  /** Bumped whenever the socket is dropped, so late socket and DNS callbacks can tell they are stale. */
  #gen = 0;
  #parser = new ResponseParser();
  #session: Buffer | undefined;
  #deadline = new Deadline(() => this.#onTimeout());
  #signal: AbortSignal | null = null;

  // The request in flight (at most one).
  #req: Prepared | null = null;
  #resolve: ((response: ClientResponse) => void) | null = null;
  #phase: Phase = 'exchange';
  #startedAt = 0;
  #blocked = 0;
  #dnsMs = 0;
  #connectAt = 0;
  #connectMs = 0;
  #tlsMs = 0;
  #writeAt = 0;
  #sentAt = 0;
  #firstByteAt = 0;
  #reused = false;
  #retried = false;

  constructor(dns: DnsCache, idle: Connection[]) {
    this.#dns = dns;
    this.#idle = idle;
  }

  /** Sends `req` (the caller checked the signal is not aborted) and resolves when it is done. */
  request(req: Prepared, timeoutMs: number, signal: AbortSignal | undefined): Promise<ClientResponse> {
    const promise = new Promise<ClientResponse>(this.#capture);
    this.#req = req;
    this.#startedAt = performance.now();
    this.#blocked = 0;
    this.#retried = false;
    this.#deadline.start(this.#startedAt, timeoutMs);
    if (signal !== undefined && signal !== this.#signal) this.#watch(signal);
    this.#attempt();
    return promise;
  }

  #capture = (resolve: (response: ClientResponse) => void): void => {
    this.#resolve = resolve;
  };

  /** Ends any request in flight as aborted and closes the socket. */
  close(): void {
    if (this.#resolve !== null) this.#fail(ErrorKind.Aborted, 'client closed');
    this.#drop();
    this.#deadline.clear();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#signal = null;
  }

  #attempt(): void {
    const req = this.#req!;
    this.#dnsMs = 0;
    this.#connectMs = 0;
    this.#tlsMs = 0;
    this.#sentAt = 0;
    this.#firstByteAt = 0;
    this.#parser.reset(req.headRequest, req.bodyMode !== 'discard');
    const socket = this.#socket;
    if (socket?.writable) {
      this.#reused = true;
      this.#write(socket, this.#startedAt); // nothing happened since the start worth a clock read
    } else {
      this.#reused = false;
      this.#open(req);
    }
  }

  #open(req: Prepared): void {
    this.#drop();
    const gen = this.#gen;
    if (req.ipFamily !== 0) {
      this.#connect(req, req.hostname, req.ipFamily);
      return;
    }
    this.#phase = 'dns';
    this.#dns.lookup(req.hostname).then(
      (found) => {
        if (gen !== this.#gen) return;
        this.#dnsMs = found.ms;
        this.#connect(req, found.address, found.family);
      },
      (err: unknown) => {
        if (gen === this.#gen) this.#fail(errorKindOf(err, 'dns'), errorMessageOf(err));
      },
    );
  }

  #connect(req: Prepared, address: string, family: 4 | 6): void {
    this.#phase = 'connect';
    this.#connectAt = performance.now();
    const options = { host: address, port: req.port, family, noDelay: true };
    if (req.secure) {
      this.#connectSecure(req, net.connect(options));
      return;
    }
    // Plain TCP, the common case: shared handlers find their connection on the socket, so
    // an idle connection holds no closures of its own.
    const raw: Owned = net.connect({ ...options, onread: { buffer: readBuffer, callback: Connection.#onRead } });
    raw[owner] = this;
    this.#socket = raw;
    raw.on('error', Connection.#onSocketError);
    raw.on('close', Connection.#onSocketEnd);
    raw.on('end', Connection.#onSocketEnd);
    raw.on('connect', Connection.#onSocketConnect);
  }

  /** The connection `socket` belongs to, while it is that connection's current socket. */
  static #current(socket: Owned): Connection | null {
    const connection = socket[owner];
    return connection !== undefined && connection.#socket === socket ? connection : null;
  }

  static #onSocketError = function (this: Owned, err: Error): void {
    const connection = Connection.#current(this);
    if (connection !== null) connection.#lost(connection.#gen, err);
  };

  static #onSocketEnd = function (this: Owned): void {
    const connection = Connection.#current(this);
    if (connection !== null) connection.#lost(connection.#gen, null);
  };

  static #onSocketConnect = function (this: Owned): void {
    const connection = Connection.#current(this);
    if (connection === null) return;
    const now = performance.now();
    connection.#connectMs = now - connection.#connectAt;
    connection.#write(this, now);
  };

  static #onRead = function (this: Owned, nread: number): boolean {
    const connection = Connection.#current(this);
    if (connection !== null) connection.#onData(readBuffer, nread);
    return true;
  };

  #connectSecure(req: Prepared, raw: net.Socket): void {
    const gen = this.#gen;
    this.#socket = raw;
    raw.on('error', (err) => this.#lost(gen, err));
    raw.on('close', () => this.#lost(gen, null));
    raw.on('connect', () => {
      if (gen !== this.#gen) return;
      const now = performance.now();
      this.#connectMs = now - this.#connectAt;
      this.#handshake(req, raw, gen, now);
    });
  }

  #handshake(req: Prepared, raw: net.Socket, gen: number, startedAt: number): void {
    this.#phase = 'tls';
    const socket = tls.connect({
      socket: raw,
      host: req.hostname,
      servername: req.ipFamily === 0 ? req.hostname : undefined,
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: !req.insecure,
      session: this.#session,
    });
    this.#socket = socket;
    socket.on('session', (session: Buffer) => {
      this.#session = session;
    });
    socket.on('error', (err) => this.#lost(gen, err));
    socket.on('close', () => this.#lost(gen, null));
    socket.on('end', () => this.#lost(gen, null));
    socket.on('data', (buf: Buffer) => {
      if (gen === this.#gen) this.#onData(buf, buf.length);
    });
    socket.on('secureConnect', () => {
      if (gen !== this.#gen) return;
      const now = performance.now();
      this.#tlsMs = now - startedAt;
      this.#write(socket, now);
    });
  }

  #write(socket: net.Socket, now: number): void {
    const wire = this.#req!.wire;
    this.#phase = 'exchange';
    this.#writeAt = now;
    socket.write(wire, this.#onWritten);
    // Written at once, as small requests are: the kernel has the bytes and the write call took
    // too little to tell apart from waiting (it counts as wait), so spare a clock read. A large
    // body written at once is timed here; one that had to wait is timed by the write callback.
    if (socket.writableLength === 0) this.#sentAt = wire.length <= smallWrite ? now : performance.now();
  }

  #onWritten = (err?: Error | null): void => {
    if (err == null && this.#resolve !== null && this.#sentAt === 0) this.#sentAt = performance.now();
  };

  #onData(buf: Buffer, length: number): void {
    if (this.#resolve === null || this.#phase !== 'exchange') {
      this.#drop(); // bytes nobody asked for: the connection can no longer be trusted
      return;
    }
    const first = this.#firstByteAt === 0;
    if (first) this.#firstByteAt = performance.now();
    const parser = this.#parser;
    const used = parser.execute(buf, length);
    // A response that came whole in one read had its last byte when it had its first.
    if (parser.done) this.#complete(used < length, first ? this.#firstByteAt : performance.now());
    else if (parser.failed) this.#fail(ErrorKind.Protocol, parser.error);
  }

  /** The socket ended, closed or failed; which of these came first does not matter. */
  #lost(gen: number, err: Error | null): void {
    if (gen !== this.#gen) return;
    this.#drop();
    if (this.#resolve === null) return;
    const parser = this.#parser;
    if (this.#phase === 'exchange' && err === null && parser.finish()) this.#complete(false, performance.now());
    else if (this.#reused && !this.#retried && this.#phase === 'exchange' && !parser.started) {
      // The server closed a kept-alive connection as we reused it: try once more on a new one.
      this.#retried = true;
      this.#blocked = performance.now() - this.#startedAt;
      this.#attempt();
    } else if (err !== null) this.#fail(errorKindOf(err, this.#phase), errorMessageOf(err));
    else this.#fail(ErrorKind.Reset, parser.started ? 'connection closed mid-response' : 'connection closed');
  }

  #complete(extraBytes: boolean, now: number): void {
    const req = this.#req!;
    const parser = this.#parser;
    const response = new ClientResponse(
      parser.status,
      parser.headText,
      bodyOf(parser, req),
      null,
      undefined,
      this.#timings(now),
      req.wire.length,
      parser.bytes,
      req.url,
    );
    if (!parser.keepAlive || !req.keepAlive || extraBytes) this.#drop();
    this.#settle(response);
  }

  #fail(kind: ErrorKind, message: string): void {
    const req = this.#req!;
    this.#drop();
    const sent = this.#phase === 'exchange' ? req.wire.length : 0;
    const timings = this.#timings(performance.now());
    this.#settle(new ClientResponse(0, '', null, kind, message, timings, sent, this.#parser.bytes, req.url));
  }

  #settle(response: ClientResponse): void {
    const resolve = this.#resolve!;
    this.#resolve = null;
    this.#req = null;
    this.#deadline.stop();
    this.#idle.push(this);
    resolve(response);
  }

  #timings(now: number) {
    const sentAt = this.#sentAt === 0 ? (this.#firstByteAt === 0 ? now : this.#firstByteAt) : this.#sentAt;
    const firstByteAt = this.#firstByteAt === 0 ? now : this.#firstByteAt;
    return {
      blocked: this.#blocked,
      dns: this.#dnsMs,
      connect: this.#connectMs,
      tls: this.#tlsMs,
      send: this.#writeAt === 0 || this.#phase !== 'exchange' ? 0 : Math.max(0, sentAt - this.#writeAt),
      wait: this.#phase !== 'exchange' ? 0 : Math.max(0, firstByteAt - sentAt),
      receive: this.#phase !== 'exchange' ? 0 : now - firstByteAt,
    };
  }

  /** Forgets the socket (destroying it) so the next request opens a new one; pending callbacks go stale. */
  #drop(): void {
    this.#gen++;
    const socket = this.#socket;
    if (socket === null) return;
    this.#socket = null;
    socket.destroy();
  }

  #onTimeout(): void {
    if (this.#resolve !== null) this.#fail(ErrorKind.Timeout, `no response within ${this.#deadline.ms} ms`);
  }

  #watch(signal: AbortSignal): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    signal.addEventListener('abort', this.#onAbort);
    this.#signal = signal;
  }

  #onAbort = (): void => {
    if (this.#resolve !== null) this.#fail(ErrorKind.Aborted, 'request aborted');
  };
}

function bodyOf(parser: ResponseParser, req: Prepared): string | Uint8Array | null {
  const chunks = parser.chunks;
  if (chunks === null) return null;
  const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, parser.bodyBytes);
  return req.bodyMode === 'text'
    ? bytes.toString('utf8')
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
