/**
 * The engine's HTTP client interface. The engine and the VU context depend only on this, so
 * the client behind it can be swapped (the lean node:net client, HTTP/2) without touching
 * executors.
 */
import type { HttpRequest, HttpResponse, PreparedRequest } from '@dlt/model';

/**
 * One client per VU: it owns that VU's keep-alive connections (one per origin) and so never
 * shares a socket with another VU.
 */
export interface HttpClient {
  /** Parses the URL and serialises what can be serialised once; reusable for every send. */
  prepare(request: HttpRequest): PreparedRequest;
  /**
   * Sends the request and resolves with the response or with an error kind; never rejects.
   * Aborting `signal` ends the request with error `aborted`.
   */
  send(request: PreparedRequest | HttpRequest, signal?: AbortSignal): Promise<HttpResponse>;
  /** Closes every connection of this client. */
  close(): void;
}

/** Shared by all clients of one run: a DNS cache (lookup time still recorded on a miss). */
export interface HttpClientOptions {
  readonly dns?: DnsCache;
  /** Default whole-request timeout in ms when a request sets none (default 60 s, as k6). */
  readonly defaultTimeoutMs?: number;
}

export interface DnsCache {
  /** Resolves a host name to an address; `ms` is the time the lookup took (0 on a cache hit). */
  lookup(host: string): Promise<{ address: string; family: 4 | 6; ms: number }>;
}

export type CreateHttpClient = (options?: HttpClientOptions) => HttpClient;
