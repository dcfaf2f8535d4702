/**
 * A client's HTTP/2 sessions, one per origin: requests to an origin share its session and run
 * as parallel streams on it. A session that stops taking streams (GOAWAY, closed) is replaced
 * by a new one on the next request.
 */
import { ErrorKind } from '@dlt/model';
import { H2Exchange, type SessionSource } from './h2-exchange.ts';
import { H2Session, type TlsSessions } from './h2-session.ts';
import type { Prepared } from './prepare.ts';
import type { ClientResponse } from './response.ts';
import type { DnsCache } from './types.ts';

export class H2Pool implements SessionSource {
  #dns: DnsCache;
  #sessions = new Map<string, H2Session>();
  #tlsSessions: TlsSessions = new Map();
  /** Exchanges in flight, so that closing the client can end them as aborted. */
  #inflight = new Set<H2Exchange>();

  constructor(dns: DnsCache) {
    this.#dns = dns;
  }

  /** Sends `req` on its origin's session. */
  request(req: Prepared, timeoutMs: number, signal: AbortSignal | undefined): Promise<ClientResponse> {
    const exchange = new H2Exchange(req, timeoutMs, signal, this);
    this.#inflight.add(exchange);
    return exchange.run();
  }

  /** The origin's session, or a new one when there is none that takes new streams. */
  sessionFor(req: Prepared, timeoutMs: number): { session: H2Session; opener: boolean } {
    const open = this.#sessions.get(req.poolKey);
    if (open !== undefined) return { session: open, opener: false };
    const session = new H2Session(this.#dns, req, timeoutMs, this.#tlsSessions, (s) => {
      if (this.#sessions.get(req.poolKey) === s) this.#sessions.delete(req.poolKey);
    });
    this.#sessions.set(req.poolKey, session);
    return { session, opener: true };
  }

  settled(exchange: H2Exchange): void {
    this.#inflight.delete(exchange);
  }

  /** Ends every request in flight as aborted and closes every session. */
  close(): void {
    for (const exchange of this.#inflight) exchange.fail(ErrorKind.Aborted, 'client closed');
    for (const session of this.#sessions.values()) session.destroy();
    this.#sessions.clear();
  }
}
