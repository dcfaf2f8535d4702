/**
 * The live view's numbers: the run's merged seconds from the live stream (`second` events), each
 * merged by the server from every task's histograms, in total and per region — so the
 * percentiles shown live are exact, not a bound. A second sent again (a late part merged in)
 * replaces the earlier version. Memory is bounded by the seconds kept, never by the requests.
 */
import type { LiveSecond, LiveSecondPart } from '@dlt/client';

/** One second of the chart. */
export interface LivePoint {
  /** Epoch seconds (what uPlot reads). */
  readonly t: number;
  readonly rps: number;
  readonly errors: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly vus: number;
}

/** A row of the per-label table: totals over the seconds seen, and the newest second. */
export interface LiveLabel {
  readonly label: string;
  readonly requests: number;
  readonly failures: number;
  readonly rps: number;
  readonly p95: number;
}

const perSecond = (count: number, durationMs: number) => (count * 1000) / (durationMs > 0 ? durationMs : 1000);

function point(at: number, part: LiveSecondPart): LivePoint {
  const rt = part.totals.responseTime;
  return {
    t: at / 1000,
    rps: perSecond(part.totals.requests, part.durationMs),
    errors: perSecond(part.totals.failures, part.durationMs),
    p50: rt.p50,
    p95: rt.p95,
    p99: rt.p99,
    vus: part.vus,
  };
}

export class LiveSeries {
  readonly #seconds = new Map<number, LiveSecond>();
  readonly #labelTotals = new Map<string, { requests: number; failures: number }>();
  readonly #total = { requests: 0, failures: 0 };
  readonly #keep: number;

  /** `keepSeconds`: the newest seconds held for the charts (totals count every second seen). */
  constructor(keepSeconds = 3600) {
    this.#keep = keepSeconds;
  }

  /** Adds a merged second; a second sent again replaces the one before. */
  add(second: LiveSecond): void {
    const before = this.#seconds.get(second.at);
    if (before) this.#count(before, -1);
    this.#count(second, 1);
    this.#seconds.set(second.at, second);
    if (this.#seconds.size > this.#keep) this.#seconds.delete(Math.min(...this.#seconds.keys()));
  }

  #count(s: LiveSecond, sign: 1 | -1): void {
    this.#total.requests += sign * s.totals.requests;
    this.#total.failures += sign * s.totals.failures;
    for (const [label, stats] of Object.entries(s.labels)) {
      const t = this.#labelTotals.get(label) ?? { requests: 0, failures: 0 };
      t.requests += sign * stats.requests;
      t.failures += sign * stats.failures;
      this.#labelTotals.set(label, t);
    }
  }

  #ordered(): LiveSecond[] {
    return [...this.#seconds.values()].sort((a, b) => a.at - b.at);
  }

  /** The regions any second came from. */
  regions(): string[] {
    return [...new Set(this.#ordered().flatMap((s) => Object.keys(s.regions)))].sort();
  }

  /** Seconds in order, for the whole run or one region. */
  points(region?: string): LivePoint[] {
    const out: LivePoint[] = [];
    for (const s of this.#ordered()) {
      const part = region === undefined ? s : s.regions[region];
      if (part) out.push(point(s.at, part));
    }
    return out;
  }

  /** Per label: totals over the seconds seen; rate and p95 of the newest second. */
  labels(): LiveLabel[] {
    const newest = this.#ordered().at(-1);
    return [...this.#labelTotals]
      .filter(([, t]) => t.requests > 0)
      .map(([label, t]) => {
        const l = newest?.labels[label];
        return {
          label,
          requests: t.requests,
          failures: t.failures,
          rps: l && newest ? perSecond(l.requests, newest.durationMs) : 0,
          p95: l?.responseTime.p95 ?? Number.NaN,
        };
      })
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /** Requests and failures over every second seen. */
  totals(): { requests: number; failures: number } {
    return { ...this.#total };
  }
}
