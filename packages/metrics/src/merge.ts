/**
 * Exact merging of task results and snapshots: counters are summed and histograms are decoded
 * and added, so the p99 of a hundred tasks is the p99 of all their requests, never a mean of
 * p99s. The output has the input's shape, so merging is associative and can go step by step
 * (merge what has arrived, merge that with the next upload later).
 */
import type { LabelResult, ScenarioResult, Snapshot, SnapshotStats, TaskResult } from '@dlt/model';
import { badInput, taskResultFormat } from '@dlt/model';
import { Histogram } from './histogram.ts';
import { snapshotTimes } from './label-series.ts';

/** The counters that labels, totals and snapshot entries share. */
type Counters = Pick<LabelResult, 'requests' | 'failures' | 'bytesSent' | 'bytesReceived' | 'statusCodes' | 'errors'>;

/** Sums counters, including the per-status and per-error maps. */
class CounterSum {
  requests = 0;
  failures = 0;
  bytesSent = 0;
  bytesReceived = 0;
  readonly statusCodes: Record<string, number> = {};
  readonly errors: Record<string, number> = {};

  add(c: Counters): void {
    this.requests += c.requests;
    this.failures += c.failures;
    this.bytesSent += c.bytesSent;
    this.bytesReceived += c.bytesReceived;
    for (const [k, n] of Object.entries(c.statusCodes)) this.statusCodes[k] = (this.statusCodes[k] ?? 0) + n;
    for (const [k, n] of Object.entries(c.errors)) this.errors[k] = (this.errors[k] ?? 0) + n;
  }

  counters(): Counters {
    const errors = Object.fromEntries(Object.entries(this.errors).sort(([a], [b]) => (a < b ? -1 : 1)));
    const { requests, failures, bytesSent, bytesReceived } = this;
    return { requests, failures, bytesSent, bytesReceived, statusCodes: { ...this.statusCodes }, errors };
  }
}

/** Get-or-create in a map. */
function entry<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

class StatsSum extends CounterSum {
  readonly histogram = new Histogram();

  addStats(s: SnapshotStats): void {
    this.add(s);
    this.histogram.addEncoded(s.histogram);
  }

  stats(): SnapshotStats {
    return { ...this.counters(), responseTime: snapshotTimes(this.histogram), histogram: this.histogram.encode() };
  }
}

/** Merges snapshots of the same second (from many tasks or regions) into one. */
export function mergeSnapshots(snaps: readonly Snapshot[]): Snapshot {
  if (snaps.length === 0) throw badInput([{ message: 'no snapshots to merge' }]);
  if (snaps.length === 1) return snaps[0];
  const totals = new StatsSum();
  const labels = new Map<string, StatsSum>();
  let iterations = 0;
  let interruptedIterations = 0;
  let droppedIterations = 0;
  let vus = 0;
  let vusMax = 0;
  for (const s of snaps) {
    totals.addStats(s.totals);
    for (const [name, stats] of Object.entries(s.labels)) entry(labels, name, () => new StatsSum()).addStats(stats);
    iterations += s.iterations;
    interruptedIterations += s.interruptedIterations;
    droppedIterations += s.droppedIterations;
    vus += s.vus;
    vusMax += s.vusMax;
  }
  return {
    at: Math.min(...snaps.map((s) => s.at)),
    durationMs: Math.max(...snaps.map((s) => s.durationMs)),
    totals: totals.stats(),
    labels: Object.fromEntries([...labels].map(([name, sum]) => [name, sum.stats()])),
    iterations,
    interruptedIterations,
    droppedIterations,
    vus,
    vusMax,
  };
}

class LabelSum extends CounterSum {
  readonly responseTime = new Histogram();
  readonly latency = new Histogram();
  readonly connectTime = new Histogram();

  addLabel(r: LabelResult): void {
    this.add(r);
    this.responseTime.addEncoded(r.responseTime);
    this.latency.addEncoded(r.latency);
    this.connectTime.addEncoded(r.connectTime);
  }

  result(): LabelResult {
    const histograms = {
      responseTime: this.responseTime.encode(),
      latency: this.latency.encode(),
      connectTime: this.connectTime.encode(),
    };
    return { ...this.counters(), ...histograms };
  }
}

class ScenarioSum {
  iterations = 0;
  interruptedIterations = 0;
  droppedIterations = 0;
  readonly duration = new Histogram();

  add(s: ScenarioResult): void {
    this.iterations += s.iterations;
    this.interruptedIterations += s.interruptedIterations;
    this.droppedIterations += s.droppedIterations;
    this.duration.addEncoded(s.iterationDuration);
  }

  result(): ScenarioResult {
    const { iterations, interruptedIterations, droppedIterations } = this;
    return { iterations, interruptedIterations, droppedIterations, iterationDuration: this.duration.encode() };
  }
}

/** Lines up the timelines by second and merges each second. */
function mergeTimelines(results: readonly TaskResult[]): Snapshot[] {
  const bySecond = new Map<number, Snapshot[]>();
  for (const r of results) for (const s of r.timeline) bySecond.get(s.at)?.push(s) ?? bySecond.set(s.at, [s]);
  return [...bySecond.keys()].sort((a, b) => a - b).map((at) => mergeSnapshots(bySecond.get(at)!));
}

/** Merges the results of many tasks (or already merged results) into one. */
export function mergeResults(results: readonly TaskResult[]): TaskResult {
  if (results.length === 0) throw badInput([{ message: 'no results to merge' }]);
  const bad = results.findIndex((r) => r.format !== taskResultFormat);
  if (bad >= 0) throw badInput([{ field: `results[${bad}].format`, message: `expected ${taskResultFormat}` }]);
  const totals = new LabelSum();
  const labels = new Map<string, LabelSum>();
  const iterations = new ScenarioSum();
  const scenarios = new Map<string, ScenarioSum>();
  for (const r of results) {
    totals.addLabel(r.totals);
    for (const [name, l] of Object.entries(r.labels)) entry(labels, name, () => new LabelSum()).addLabel(l);
    iterations.add(r.iterations);
    for (const [name, s] of Object.entries(r.scenarios)) entry(scenarios, name, () => new ScenarioSum()).add(s);
  }
  const timeline = mergeTimelines(results);
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    format: taskResultFormat,
    startedAt: Math.min(...results.map((r) => r.startedAt)),
    endedAt: Math.max(...results.map((r) => r.endedAt)),
    totals: totals.result(),
    labels: Object.fromEntries([...labels].map(([name, sum]) => [name, sum.result()])),
    iterations: iterations.result(),
    scenarios: Object.fromEntries(sorted(scenarios).map(([name, sum]) => [name, sum.result()])),
    // Tasks run side by side, so the busiest merged second is the best estimate of VUs at once.
    vusMax: Math.max(...results.map((r) => r.vusMax), ...timeline.map((s) => s.vusMax)),
    foldedLabels: Math.max(...results.map((r) => r.foldedLabels)),
    clampedValues: results.reduce((n, r) => n + r.clampedValues, 0),
    timeline,
  };
}
