/**
 * A client's HTTP/2 sessions, one per origin: requests to an origin share its session and run
 * as parallel streams on it. A session that stops taking streams (GOAWAY, closed) is replaced
 * by a new one on the next request.
 */
import { ErrorKind } from '@dlt/model';
import { H2Exchange } from './h2-exchange.ts';
import { H2Session, type TlsSessions } from './h2-session.ts';
import type { Prepared } from './prepare.ts';
import type { ClientResponse } from './response.ts';
import type { DnsCache } from './types.ts';

export class H2Pool {
  #dns: DnsCache;
  #sessions = new Map<string, H2Session>();
  #tlsSessions: TlsSessions = new Map();
  /** Exchanges in flight, so that closing the client can end them as aborted. */
  #inflight = new Set<H2Exchange>();
  #onSettled = (e: H2Exchange): void => {
    this.#inflight.delete(e);
  };

  constructor(dns: DnsCache) {
    this.#dns = dns;
  }

  /** Sends `req` on its origin's session, opening one if there is none that takes new streams. */
  request(req: Prepared, timeoutMs: number, signal: AbortSignal | undefined): Promise<ClientResponse> {
    let session = this.#sessions.get(req.poolKey);
    const opener = session === undefined;
    if (session === undefined) {
      session = new H2Session(this.#dns, req, timeoutMs, this.#tlsSessions, (s) => {
        if (this.#sessions.get(req.poolKey) === s) this.#sessions.delete(req.poolKey);
      });
      this.#sessions.set(req.poolKey, session);
    }
    const exchange = new H2Exchange(req, timeoutMs, signal, this.#onSettled);
    this.#inflight.add(exchange);
    return exchange.run(session, opener);
  }

  /** Ends every request in flight as aborted and closes every session. */
  close(): void {
    for (const exchange of this.#inflight) exchange.fail(ErrorKind.Aborted, 'client closed');
    for (const session of this.#sessions.values()) session.destroy();
    this.#sessions.clear();
  }
}
