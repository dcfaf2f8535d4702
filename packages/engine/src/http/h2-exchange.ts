/**
 * One HTTP/2 request on a shared session: a stream opened, its response read (body kept or
 * counted as the request asks), timed phase by phase as an HTTP/1.1 request is, and ended as
 * data whatever happens: a reset stream, a GOAWAY, a timeout or an abort. A stream the server
 * refused unprocessed (REFUSED_STREAM, or cut off by a GOAWAY, as servers do when they rotate
 * connections) is sent once more, on a new session if need be, as RFC 9113 §8.7 allows.
 */
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { ErrorKind, type Timings } from '@dlt/model';
import { errorKindOf, errorMessageOf } from './errors.ts';
import { fieldBytes, withTrailers } from './h2-fields.ts';
import type { H2Session, Setup, SetupFailure } from './h2-session.ts';
import type { Prepared } from './prepare.ts';
import { ClientResponse, type H2Fields } from './response.ts';
import { maxBodyBytes } from './response-parser.ts';

/** Where an exchange gets its session, and hears that it is over. */
export interface SessionSource {
  /** The origin's session that takes new streams, or a new one that `opener` then opened. */
  sessionFor(req: Prepared, timeoutMs: number): { readonly session: H2Session; readonly opener: boolean };
  settled(exchange: H2Exchange): void;
}

/** Errors that mean the server never processed the stream, so sending it again is safe. */
const unprocessed = new Set(['ERR_HTTP2_GOAWAY_SESSION', 'ERR_HTTP2_INVALID_SESSION']);
const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM } = http2.constants;

const noSetup: Setup = { dns: 0, connect: 0, tls: 0 };

export class H2Exchange {
  #req: Prepared;
  #timeoutMs: number;
  #signal: AbortSignal | undefined;
  #source: SessionSource;
  #retried = false;
  #resolve: ((response: ClientResponse) => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stream: ClientHttp2Stream | null = null;
  #session: H2Session | null = null;

  #startedAt = performance.now();
  #blocked = 0;
  #setup = noSetup;
  #writeAt = 0;
  #sentAt = 0;
  #firstByteAt = 0;
  #endAt = 0;

  #status = 0;
  #fields: H2Fields | null = null;
  #headBytes = 0;
  #bodyBytes = 0;
  #chunks: Buffer[] | null;

  /** `onSettled` runs once when the exchange ends, however it ends. */
  constructor(req: Prepared, timeoutMs: number, signal: AbortSignal | undefined, source: SessionSource) {
    this.#req = req;
    this.#timeoutMs = timeoutMs;
    this.#signal = signal;
    this.#source = source;
    this.#chunks = req.bodyMode === 'discard' ? null : [];
  }

  /** Sends the request; resolves with the response or an error kind, never rejects. */
  run(): Promise<ClientResponse> {
    const promise = new Promise<ClientResponse>((resolve) => {
      this.#resolve = resolve;
    });
    this.#timer = setTimeout(this.#onTimeout, this.#timeoutMs);
    this.#signal?.addEventListener('abort', this.#onAbort);
    this.#attempt();
    return promise;
  }

  /**
   * Sends on the origin's session, waiting for it to open first if need be. The request that
   * opened the session reports its set-up times; one that only waited reports the wait as blocked.
   */
  #attempt(): void {
    const { session, opener } = this.#source.sessionFor(this.#req, this.#timeoutMs);
    if (session.session !== null && !opener) this.#open(session, session.session);
    else {
      session.ready.then(
        (setup) => {
          if (opener) this.#setup = setup;
          else this.#blocked = performance.now() - this.#startedAt;
          if (this.#resolve !== null && session.session !== null) this.#open(session, session.session);
        },
        (failure: SetupFailure) => {
          if (opener) this.#setup = failure.setup;
          this.fail(failure.kind, failure.message);
        },
      );
    }
  }

  /** Drops the refused stream and sends again, the time lost counted as blocked. */
  #retry(): void {
    const stream = this.#stream;
    stream?.removeAllListeners();
    stream?.on('error', ignore);
    this.#stream = null;
    this.#retried = true;
    this.#blocked = performance.now() - this.#startedAt;
    this.#writeAt = 0;
    this.#sentAt = 0;
    this.#attempt();
  }

  /** Ends the exchange with an error (its stream, if any, is cancelled). */
  fail(kind: ErrorKind, message: string): void {
    if (this.#resolve === null) return;
    const stream = this.#stream;
    if (stream !== null && !stream.closed && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
    const sent = this.#writeAt === 0 ? 0 : this.#bytesSent();
    const received = this.#headBytes + this.#bodyBytes;
    this.#settle(
      new ClientResponse(0, '', null, kind, message, this.#timings(performance.now()), sent, received, this.#req.url),
    );
  }

  #open(session: H2Session, h2: ClientHttp2Session): void {
    const parts = this.#req.h2!;
    this.#session = session;
    this.#writeAt = performance.now();
    let stream: ClientHttp2Stream;
    try {
      stream = h2.request(parts.headers, { endStream: parts.body === null });
    } catch (err) {
      this.#onError(err as Error); // a session closed since it was found: sent again on a new one
      return;
    }
    session.countStream();
    this.#stream = stream;
    stream.on('response', this.#onResponse);
    stream.on('data', this.#onData);
    stream.on('trailers', this.#onTrailers);
    stream.on('end', this.#onEnd);
    stream.on('error', this.#onError);
    stream.on('close', this.#onClose);
    if (parts.body === null) this.#sentAt = this.#writeAt;
    else stream.end(parts.body, this.#onSent);
  }

  #onSent = (): void => {
    if (this.#sentAt === 0) this.#sentAt = performance.now();
  };

  #onResponse = (headers: IncomingHttpHeaders): void => {
    this.#firstByteAt = performance.now();
    this.#status = Number(headers[':status']);
    this.#fields = headers;
    this.#headBytes += fieldBytes(headers);
  };

  #onData = (chunk: Buffer): void => {
    this.#bodyBytes += chunk.length;
    if (this.#chunks === null) return;
    if (this.#bodyBytes > maxBodyBytes)
      this.fail(ErrorKind.Protocol, `response body larger than ${maxBodyBytes} bytes`);
    else this.#chunks.push(chunk);
  };

  #onTrailers = (trailers: IncomingHttpHeaders): void => {
    this.#headBytes += fieldBytes(trailers);
    this.#fields = withTrailers(this.#fields ?? {}, trailers);
  };

  #onEnd = (): void => {
    this.#endAt = performance.now();
  };

  #onError = (err: Error & { code?: string }): void => {
    const gone = unprocessed.has(err.code ?? '');
    if (gone) this.#session?.retire(); // so that the retry finds a new session
    const refused = gone || this.#stream?.rstCode === NGHTTP2_REFUSED_STREAM;
    if (refused && this.#status === 0 && !this.#retried && this.#resolve !== null) this.#retry();
    else this.fail(errorKindOf(err, 'exchange'), errorMessageOf(err));
  };

  /**
   * The stream closed: cleanly after the whole response, or else reset (RST_STREAM) or lost
   * with its session. 'end' alone cannot tell, as a stream lost with its session ends too.
   */
  #onClose = (): void => {
    const code = this.#stream?.rstCode ?? 0;
    if (code === NGHTTP2_NO_ERROR && this.#status !== 0 && this.#endAt !== 0) {
      this.#complete();
      return;
    }
    const why = this.#status === 0 ? 'before the response' : 'mid-response';
    this.fail(ErrorKind.Reset, `stream closed ${why} (HTTP/2 error code ${code})`);
  };

  #onTimeout = (): void => {
    this.fail(ErrorKind.Timeout, `no response within ${this.#timeoutMs} ms`);
  };

  #onAbort = (): void => {
    this.fail(ErrorKind.Aborted, 'request aborted');
  };

  #complete(): void {
    const req = this.#req;
    const chunks = this.#chunks;
    let body: string | Uint8Array | null = null;
    if (chunks !== null) {
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.#bodyBytes);
      body =
        req.bodyMode === 'text' ? bytes.toString('utf8') : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    const received = this.#headBytes + this.#bodyBytes;
    const timings = this.#timings(this.#endAt);
    this.#settle(
      new ClientResponse(
        this.#status,
        this.#fields ?? {},
        body,
        null,
        undefined,
        timings,
        this.#bytesSent(),
        received,
        req.url,
      ),
    );
  }

  #settle(response: ClientResponse): void {
    const resolve = this.#resolve!;
    this.#resolve = null;
    this.#chunks = null;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#source.settled(this);
    resolve(response);
  }

  #bytesSent(): number {
    const parts = this.#req.h2!;
    return parts.headerBytes + (parts.body?.length ?? 0);
  }

  #timings(now: number): Timings {
    const { dns, connect, tls } = this.#setup;
    const opened = this.#writeAt !== 0;
    const sentAt = this.#sentAt === 0 ? now : this.#sentAt;
    const firstByteAt = this.#firstByteAt === 0 ? now : this.#firstByteAt;
    return {
      blocked: this.#blocked,
      dns,
      connect,
      tls,
      send: opened ? Math.max(0, sentAt - this.#writeAt) : 0,
      wait: opened ? Math.max(0, firstByteAt - sentAt) : 0,
      receive: opened ? Math.max(0, now - firstByteAt) : 0,
    };
  }
}

function ignore(): void {}
