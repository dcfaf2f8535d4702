/**
 * The engine's HTTP client: HTTP/1.1 on `node:net` and `node:tls` (the hot path), HTTP/2 on
 * `node:http2` for requests that ask for it. One client per VU, keep-alive connections (or
 * one multiplexed HTTP/2 session) per origin, full timings per request, failures as data.
 */
import { ErrorKind, type HttpRequest, type HttpResponse, type PreparedRequest, zeroTimings } from '@dlt/model';
import { Connection } from './connection.ts';
import { createDnsCache } from './dns-cache.ts';
import { errorMessageOf } from './errors.ts';
import { H2Pool } from './h2-pool.ts';
import { type Prepared, prepare } from './prepare.ts';
import { followRedirects } from './redirect.ts';
import { ClientResponse } from './response.ts';
import type { DnsCache, HttpClient, HttpClientOptions } from './types.ts';

/** Whole-request timeout when neither the request nor the options set one (as k6). */
export const defaultTimeoutMs = 60_000;

/** Creates a client; without `options.dns` it keeps a DNS cache of its own. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  return new LeanHttpClient(options.dns ?? createDnsCache(), options.defaultTimeoutMs ?? defaultTimeoutMs);
}

/**
 * Usually holds one connection per origin. A request that finds every connection to its
 * origin busy (a VU sending in parallel) opens another, which then stays for reuse.
 */
class LeanHttpClient implements HttpClient {
  #dns: DnsCache;
  #timeoutMs: number;
  /**
   * Idle connections of the first origin, then of the others by pool key: most VUs talk to one
   * origin, so most clients never make the map (10,000 idle VUs feel every object they hold).
   */
  #firstKey: string | null = null;
  #firstPool: Connection[] = [];
  #otherPools: Map<string, Connection[]> | null = null;
  #all: Connection[] = [];
  /** HTTP/2 sessions, made on the first HTTP/2 request. */
  #h2: H2Pool | null = null;

  constructor(dns: DnsCache, timeoutMs: number) {
    this.#dns = dns;
    this.#timeoutMs = timeoutMs;
  }

  prepare(request: HttpRequest): PreparedRequest {
    return prepare(request);
  }

  send(request: PreparedRequest | HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    let req: Prepared;
    try {
      req = prepare(request);
    } catch (err) {
      const url = 'request' in request ? request.request.url : request.url;
      return Promise.resolve(failed(ErrorKind.Other, errorMessageOf(err), url));
    }
    if (signal?.aborted) return Promise.resolve(failed(ErrorKind.Aborted, 'request aborted', req.url));
    if (req.maxRedirects === 0) return this.#exchange(req, signal);
    return followRedirects((hop) => {
      if (signal?.aborted) return Promise.resolve(failed(ErrorKind.Aborted, 'request aborted', hop.url));
      return this.#exchange(hop, signal);
    }, req);
  }

  close(): void {
    this.#h2?.close();
    for (const connection of this.#all) connection.close();
    this.#all = [];
    this.#firstKey = null;
    this.#firstPool = [];
    this.#otherPools = null;
  }

  #exchange(req: Prepared, signal: AbortSignal | undefined): Promise<ClientResponse> {
    const timeoutMs = req.timeoutMs ?? this.#timeoutMs;
    if (req.h2 !== null) return this.#h2Pool().request(req, timeoutMs, signal);
    const pool = this.#poolOf(req.poolKey);
    const connection = pool.pop() ?? this.#newConnection(pool);
    return connection.request(req, timeoutMs, signal);
  }

  #poolOf(key: string): Connection[] {
    if (key === this.#firstKey) return this.#firstPool;
    if (this.#firstKey === null) {
      this.#firstKey = key;
      return this.#firstPool;
    }
    this.#otherPools ??= new Map();
    let pool = this.#otherPools.get(key);
    if (pool === undefined) {
      pool = [];
      this.#otherPools.set(key, pool);
    }
    return pool;
  }

  #h2Pool(): H2Pool {
    this.#h2 ??= new H2Pool(this.#dns);
    return this.#h2;
  }

  #newConnection(pool: Connection[]): Connection {
    const connection = new Connection(this.#dns, pool);
    this.#all.push(connection);
    return connection;
  }
}

function failed(kind: ErrorKind, message: string, url: string): ClientResponse {
  return new ClientResponse(0, '', null, kind, message, zeroTimings, 0, 0, url);
}
