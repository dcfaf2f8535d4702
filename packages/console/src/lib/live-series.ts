/**
 * The live view's numbers: every task's per-second snapshot from the run's stream, summed per
 * second across tasks (all of them, or one region's). Counts and VUs add up exactly. A second's
 * percentiles are the highest any task reported — a bound, not a merge, since the console does
 * not decode histograms; the run's results afterwards are merged exactly. Memory is bounded by
 * the seconds kept, never by the number of requests.
 */
import type { Snapshot } from '@dlt/model';

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

/** A row of the per-label table: totals so far, and the latest complete second. */
export interface LiveLabel {
  readonly label: string;
  readonly requests: number;
  readonly failures: number;
  readonly rps: number;
  readonly p95: number;
}

interface TaskSecond {
  readonly region: string;
  readonly snapshot: Snapshot;
}

export class LiveSeries {
  readonly #seconds = new Map<number, Map<string, TaskSecond>>();
  readonly #labelTotals = new Map<string, { requests: number; failures: number }>();
  readonly #regions = new Set<string>();
  readonly #total = { requests: 0, failures: 0 };
  readonly #keep: number;

  /** `keepSeconds`: the newest seconds held for the charts. */
  constructor(keepSeconds = 3600) {
    this.#keep = keepSeconds;
  }

  /** Adds a task's snapshot; a repeat of the same task and second replaces the first. */
  add(taskId: string, region: string, snapshot: Snapshot): void {
    this.#regions.add(region);
    const second = this.#seconds.get(snapshot.at) ?? new Map<string, TaskSecond>();
    const before = second.get(taskId);
    if (before) this.#count(before.snapshot, -1);
    second.set(taskId, { region, snapshot });
    this.#count(snapshot, 1);
    this.#seconds.set(snapshot.at, second);
    if (this.#seconds.size > this.#keep) {
      const oldest = Math.min(...this.#seconds.keys());
      this.#seconds.delete(oldest);
    }
  }

  #count(s: Snapshot, sign: 1 | -1): void {
    this.#total.requests += sign * s.totals.requests;
    this.#total.failures += sign * s.totals.failures;
    for (const [label, stats] of Object.entries(s.labels)) {
      const t = this.#labelTotals.get(label) ?? { requests: 0, failures: 0 };
      t.requests += sign * stats.requests;
      t.failures += sign * stats.failures;
      this.#labelTotals.set(label, t);
    }
  }

  regions(): string[] {
    return [...this.#regions].sort();
  }

  /** Seconds in order, summed over every task (or one region's). */
  points(region?: string): LivePoint[] {
    const out: LivePoint[] = [];
    for (const at of [...this.#seconds.keys()].sort((a, b) => a - b)) {
      const tasks = [...this.#seconds.get(at)!.values()].filter((t) => region === undefined || t.region === region);
      if (tasks.length === 0) continue;
      let requests = 0;
      let failures = 0;
      let vus = 0;
      let durationMs = 0;
      const p = { p50: 0, p95: 0, p99: 0 };
      for (const { snapshot: s } of tasks) {
        requests += s.totals.requests;
        failures += s.totals.failures;
        vus += s.vus;
        durationMs = Math.max(durationMs, s.durationMs);
        p.p50 = Math.max(p.p50, s.totals.responseTime.p50);
        p.p95 = Math.max(p.p95, s.totals.responseTime.p95);
        p.p99 = Math.max(p.p99, s.totals.responseTime.p99);
      }
      const per = 1000 / (durationMs > 0 ? durationMs : 1000);
      out.push({ t: at / 1000, rps: requests * per, errors: failures * per, vus, ...p });
    }
    return out;
  }

  /** Per label: totals so far; rate and p95 of the newest second any task reported. */
  labels(): LiveLabel[] {
    const newest = Math.max(-Infinity, ...this.#seconds.keys());
    const last = this.#seconds.get(newest);
    return [...this.#labelTotals]
      .filter(([, t]) => t.requests > 0)
      .map(([label, t]) => {
        let rps = 0;
        let p95 = 0;
        for (const { snapshot: s } of last?.values() ?? []) {
          const l = s.labels[label];
          if (!l) continue;
          rps += (l.requests * 1000) / (s.durationMs || 1000);
          p95 = Math.max(p95, l.responseTime.p95);
        }
        return { label, requests: t.requests, failures: t.failures, rps, p95 };
      })
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /** Requests and failures so far, over every task. */
  totals(): { requests: number; failures: number } {
    return { ...this.#total };
  }
}
