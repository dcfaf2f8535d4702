/**
 * A run's live numbers as a client sees them: the merged `second` events of its live stream,
 * the newest version of each second kept (a second is sent again when a late part changes it,
 * and a reconnect replays what was missed), so the totals are sums over distinct seconds and
 * never count a second twice.
 */
import type { LiveSecond, LiveSecondPart } from '@dlt/client';

export class LiveSeconds {
  readonly #seconds = new Map<number, LiveSecond>();
  #newest: LiveSecond | undefined;

  /** Takes a `second` event's data; true when it is a second not seen before. */
  add(s: LiveSecond): boolean {
    const fresh = !this.#seconds.has(s.at);
    this.#seconds.set(s.at, s);
    if (!this.#newest || s.at >= this.#newest.at) this.#newest = s;
    return fresh;
  }

  get newest(): LiveSecond | undefined {
    return this.#newest;
  }

  /** When the first second began, epoch ms. */
  get firstAt(): number | undefined {
    return this.#seconds.size === 0 ? undefined : Math.min(...this.#seconds.keys());
  }

  /** Requests and failures of every second so far, in all and per region. */
  totals(): { requests: number; failures: number; regions: Map<string, { requests: number; failures: number }> } {
    let requests = 0;
    let failures = 0;
    const regions = new Map<string, { requests: number; failures: number }>();
    for (const s of this.#seconds.values()) {
      requests += s.totals.requests;
      failures += s.totals.failures;
      for (const [name, part] of Object.entries(s.regions)) {
        const r = regions.get(name) ?? { requests: 0, failures: 0 };
        r.requests += part.totals.requests;
        r.failures += part.totals.failures;
        regions.set(name, r);
      }
    }
    return { requests, failures, regions };
  }
}

/** Requests per second of a merged second (of the run, or of one region). */
export function rateOf(part: LiveSecondPart): number {
  return part.durationMs > 0 ? (part.totals.requests * 1000) / part.durationMs : 0;
}

/** The `second` data of a live event, if it is one. */
export function secondOf(e: { event: string; data: unknown }): LiveSecond | undefined {
  if (e.event !== 'second') return undefined;
  const d = e.data as LiveSecond | null;
  return d && typeof d.at === 'number' && typeof d.totals === 'object' && typeof d.regions === 'object' ? d : undefined;
}
