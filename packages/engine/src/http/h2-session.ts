/**
 * One HTTP/2 connection to one origin, shared by every HTTP/2 request a client sends there:
 * DNS through the run's cache, TCP, TLS with ALPN `h2` for https: (prior knowledge, h2c, for
 * http:), then a `node:http2` session over that socket. Opening it is timed phase by phase,
 * as an HTTP/1.1 connection is, so the request that opened it can report the times.
 */
import http2, { type ClientHttp2Session } from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { ErrorKind } from '@dlt/model';
import { errorKindOf, errorMessageOf, type Phase } from './errors.ts';
import type { Prepared } from './prepare.ts';
import type { DnsCache } from './types.ts';

/** How long opening the session took, phase by phase (ms). */
export interface Setup {
  readonly dns: number;
  readonly connect: number;
  readonly tls: number;
}

/** Why the session could not be opened, and the phases that had finished by then. */
export interface SetupFailure {
  readonly kind: ErrorKind;
  readonly message: string;
  readonly setup: Setup;
}

/**
 * Client stream ids are odd and below 2^31, so a session carries about 2^30 streams; it is
 * retired a little before, and the next request opens a new one.
 */
const maxStreams = 1_000_000_000;

/** Shared by the sessions of one client: TLS sessions to resume, per origin. */
export type TlsSessions = Map<string, Buffer>;

export class H2Session {
  /** The node:http2 session, once open. */
  session: ClientHttp2Session | null = null;
  /** False once the session may take no new stream (closed, GOAWAY received, ids running out). */
  usable = true;
  /** Resolves when the session is open, or rejects with a `SetupFailure`. */
  readonly ready: Promise<Setup>;
  #socket: net.Socket | null = null;
  #streams = 0;
  #onRetired: (s: H2Session) => void;

  /**
   * Starts opening a session for `req`'s origin; gives up after `timeoutMs`. `onRetired` runs
   * once when it stops taking new streams.
   */
  constructor(
    dns: DnsCache,
    req: Prepared,
    timeoutMs: number,
    tlsSessions: TlsSessions,
    onRetired: (s: H2Session) => void,
  ) {
    this.#onRetired = onRetired;
    this.ready = this.#open(dns, req, timeoutMs, tlsSessions);
    this.ready.catch(() => undefined); // requests waiting on it handle the failure
  }

  /** Counts a stream opened on the session, retiring it before its stream ids run out. */
  countStream(): void {
    if (++this.#streams >= maxStreams) this.retire();
  }

  /** Closes the session at once; its streams end. */
  destroy(): void {
    this.retire();
    this.session?.destroy();
    this.#socket?.destroy();
  }

  async #open(dns: DnsCache, req: Prepared, timeoutMs: number, tlsSessions: TlsSessions): Promise<Setup> {
    let phase: Phase = 'dns';
    const setup = { dns: 0, connect: 0, tls: 0 };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      let address = req.hostname;
      let family: 4 | 6 = req.ipFamily === 6 ? 6 : 4;
      const started = performance.now();
      if (req.ipFamily === 0) {
        ({ address, family } = await Promise.race([dns.lookup(req.hostname), expired]));
        setup.dns = performance.now() - started;
      }
      phase = 'connect';
      const connectAt = performance.now();
      const raw = net.connect({ host: address, port: req.port, family, noDelay: true });
      raw.on('error', ignore); // once open, its errors reach the streams through the session
      this.#socket = raw;
      await Promise.race([settled(raw, 'connect'), expired]);
      const handshakeAt = performance.now();
      setup.connect = handshakeAt - connectAt;
      let socket: net.Socket = raw;
      if (req.secure) {
        phase = 'tls';
        socket = await Promise.race([handshake(raw, req, tlsSessions), expired]);
        this.#socket = socket;
        setup.tls = performance.now() - handshakeAt;
      }
      this.#start(socket, req);
      return setup;
    } catch (err) {
      this.destroy();
      const kind =
        err instanceof TimeoutError
          ? ErrorKind.Timeout
          : err instanceof NoH2
            ? ErrorKind.Protocol
            : errorKindOf(err, phase);
      throw { kind, message: errorMessageOf(err), setup } satisfies SetupFailure;
    } finally {
      clearTimeout(timer);
    }
  }

  #start(socket: net.Socket, req: Prepared): void {
    const session = http2.connect(`${req.secure ? 'https' : 'http'}://${hostOf(req)}`, {
      createConnection: () => socket,
    });
    this.session = session;
    // Each stream gets the session's error on its own; this listener only keeps it from being unhandled.
    session.on('error', ignore);
    session.on('goaway', () => this.retire());
    session.on('close', () => this.retire());
  }

  /** Takes no new streams; those open finish, then the session closes. */
  retire(): void {
    if (!this.usable) return;
    this.usable = false;
    this.session?.close();
    this.#onRetired(this);
  }
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no connection within ${ms} ms`);
  }
}

/** The server would not speak HTTP/2 over TLS. */
class NoH2 extends Error {}

function ignore(): void {}

function hostOf(req: Prepared): string {
  const host = req.ipFamily === 6 ? `[${req.hostname}]` : req.hostname;
  return `${host}:${req.port}`;
}

/** Resolves on `event`; rejects on an error or a close before it. */
function settled(socket: net.Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' }));
    socket.once('error', reject);
    socket.once('close', onClose);
    socket.once(event, () => {
      socket.off('error', reject);
      socket.off('close', onClose);
      resolve();
    });
  });
}

/** TLS over `raw`, offering only `h2`; a server that picks anything else (or nothing) is a protocol error. */
async function handshake(raw: net.Socket, req: Prepared, tlsSessions: TlsSessions): Promise<tls.TLSSocket> {
  const socket = tls.connect({
    socket: raw,
    host: req.hostname,
    servername: req.ipFamily === 0 ? req.hostname : undefined,
    ALPNProtocols: ['h2'],
    rejectUnauthorized: !req.insecure,
    session: tlsSessions.get(req.poolKey),
  });
  socket.on('error', ignore);
  socket.on('session', (ticket: Buffer) => tlsSessions.set(req.poolKey, ticket));
  await settled(socket, 'secureConnect');
  if (socket.alpnProtocol !== 'h2') {
    socket.destroy();
    throw new NoH2(`the server did not agree to HTTP/2 (ALPN: ${socket.alpnProtocol || 'none'})`);
  }
  return socket;
}
