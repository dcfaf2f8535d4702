/**
 * A DNS cache shared by the clients of one run: each host is looked up once (concurrent
 * misses share the lookup) and the time a miss took is reported, so the first request to a
 * host shows its DNS cost and later ones show 0.
 */
import { lookup } from 'node:dns/promises';
import type { DnsCache } from './types.ts';

type Entry = { readonly address: string; readonly family: 4 | 6 };

/** Creates an empty cache; failed lookups are not cached, so a flaky resolver gets another chance. */
export function createDnsCache(): DnsCache {
  const resolved = new Map<string, Entry>();
  const pending = new Map<string, Promise<Entry>>();
  return {
    async lookup(host) {
      const hit = resolved.get(host);
      if (hit !== undefined) return { address: hit.address, family: hit.family, ms: 0 };
      const started = performance.now();
      let inflight = pending.get(host);
      if (inflight === undefined) {
        inflight = resolve(host);
        pending.set(host, inflight);
        inflight.then(
          (entry) => resolved.set(host, entry),
          () => undefined,
        );
        inflight.finally(() => pending.delete(host)).catch(() => undefined);
      }
      const entry = await inflight;
      return { address: entry.address, family: entry.family, ms: performance.now() - started };
    },
  };
}

async function resolve(host: string): Promise<Entry> {
  const { address, family } = await lookup(host);
  return { address, family: family === 6 ? 6 : 4 };
}
