/**
 * Exact merging of snapshots of the same second from many tasks or regions: counters summed,
 * histograms decoded and added. `SnapshotSum` keeps its memory between seconds, so merging a
 * long timeline does not allocate a histogram per label per second.
 */
import type { Snapshot, SnapshotStats } from '@dlt/model';
import { badInput } from '@dlt/model';
import { CounterSum, entry } from './counter-sum.ts';
import { Histogram } from './histogram.ts';
import { snapshotTimes } from './label-series.ts';

class StatsSum extends CounterSum {
  readonly histogram = new Histogram();
  touched = false;

  addStats(s: SnapshotStats): void {
    this.touched = true;
    this.add(s);
    this.histogram.addEncoded(s.histogram);
  }

  stats(): SnapshotStats {
    return { ...this.counters(), responseTime: snapshotTimes(this.histogram), histogram: this.histogram.encode() };
  }

  override reset(): void {
    super.reset();
    this.histogram.reset();
    this.touched = false;
  }
}

/** Merges snapshots of one second; reusable for the next second after `reset`. */
export class SnapshotSum {
  readonly #snaps: Snapshot[] = [];
  readonly #totals = new StatsSum();
  readonly #labels = new Map<string, StatsSum>();

  add(s: Snapshot): void {
    this.#snaps.push(s);
  }

  /** The merged second; a single snapshot comes back as it is, with nothing decoded. */
  snapshot(): Snapshot {
    const snaps = this.#snaps;
    if (snaps.length === 0) throw badInput([{ message: 'no snapshots to merge' }]);
    if (snaps.length === 1) return snaps[0];
    const sum = { at: snaps[0].at, durationMs: 0, iterations: 0, interrupted: 0, dropped: 0, vus: 0, vusMax: 0 };
    for (const s of snaps) {
      this.#totals.addStats(s.totals);
      for (const name in s.labels) entry(this.#labels, name, () => new StatsSum()).addStats(s.labels[name]);
      sum.at = Math.min(sum.at, s.at);
      sum.durationMs = Math.max(sum.durationMs, s.durationMs);
      sum.iterations += s.iterations;
      sum.interrupted += s.interruptedIterations;
      sum.dropped += s.droppedIterations;
      sum.vus += s.vus;
      sum.vusMax += s.vusMax;
    }
    const labels: Record<string, SnapshotStats> = {};
    for (const [name, stats] of this.#labels) if (stats.touched) labels[name] = stats.stats();
    return {
      at: sum.at,
      durationMs: sum.durationMs,
      totals: this.#totals.stats(),
      labels,
      iterations: sum.iterations,
      interruptedIterations: sum.interrupted,
      droppedIterations: sum.dropped,
      vus: sum.vus,
      vusMax: sum.vusMax,
    };
  }

  reset(): void {
    this.#snaps.length = 0;
    this.#totals.reset();
    for (const stats of this.#labels.values()) if (stats.touched) stats.reset();
  }
}

/** Merges snapshots of the same second (from many tasks or regions) into one. */
export function mergeSnapshots(snaps: readonly Snapshot[]): Snapshot {
  const sum = new SnapshotSum();
  for (const s of snaps) sum.add(s);
  return sum.snapshot();
}
