/**
 * Exact merging of task results and snapshots: counters are summed and histograms are decoded
 * and added, so the p99 of a hundred tasks is the p99 of all their requests, never a mean of
 * p99s. The output has the input's shape, so merging is associative and can go step by step
 * (merge what has arrived, merge that with the next upload later).
 */
import type { LabelResult, ScenarioResult, Snapshot, TaskResult } from '@dlt/model';
import { badInput, taskResultFormat } from '@dlt/model';
import { CounterSum, entry } from './counter-sum.ts';
import { Histogram } from './histogram.ts';
import { SnapshotSum } from './merge-snapshots.ts';
import { mergeScriptMetrics } from './script-metrics.ts';

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
  readonly lag = new Histogram();

  add(s: ScenarioResult): void {
    if (s.scheduleLag) this.lag.addEncoded(s.scheduleLag);
    this.iterations += s.iterations;
    this.interruptedIterations += s.interruptedIterations;
    this.droppedIterations += s.droppedIterations;
    this.duration.addEncoded(s.iterationDuration);
  }

  result(): ScenarioResult {
    const { iterations, interruptedIterations, droppedIterations } = this;
    return {
      iterations,
      interruptedIterations,
      droppedIterations,
      iterationDuration: this.duration.encode(),
      ...(this.lag.count > 0 ? { scheduleLag: this.lag.encode() } : {}),
    };
  }
}

/** Lines up the timelines by second and merges each second, reusing one accumulator. */
function mergeTimelines(results: readonly TaskResult[]): Snapshot[] {
  const bySecond = new Map<number, Snapshot[]>();
  for (const r of results) for (const s of r.timeline) bySecond.get(s.at)?.push(s) ?? bySecond.set(s.at, [s]);
  const sum = new SnapshotSum();
  return [...bySecond.keys()]
    .sort((a, b) => a - b)
    .map((at) => {
      sum.reset();
      for (const s of bySecond.get(at)!) sum.add(s);
      return sum.snapshot();
    });
}

/** The largest of many numbers, without spreading them onto the stack. */
function largest(values: Iterable<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  return max;
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
  const submetrics = new Map<string, LabelSum>();
  for (const r of results) {
    for (const [key, l] of Object.entries(r.submetrics ?? {})) entry(submetrics, key, () => new LabelSum()).addLabel(l);
    totals.addLabel(r.totals);
    for (const [name, l] of Object.entries(r.labels)) entry(labels, name, () => new LabelSum()).addLabel(l);
    iterations.add(r.iterations);
    for (const [name, s] of Object.entries(r.scenarios)) entry(scenarios, name, () => new ScenarioSum()).add(s);
  }
  const timeline = mergeTimelines(results);
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    format: taskResultFormat,
    startedAt: -largest(results.map((r) => -r.startedAt)),
    endedAt: largest(results.map((r) => r.endedAt)),
    totals: totals.result(),
    labels: Object.fromEntries([...labels].map(([name, sum]) => [name, sum.result()])),
    iterations: iterations.result(),
    scenarios: Object.fromEntries(sorted(scenarios).map(([name, sum]) => [name, sum.result()])),
    // Tasks run side by side, so the busiest merged second is the best estimate of VUs at once.
    vusMax: Math.max(largest(results.map((r) => r.vusMax)), largest(timeline.map((s) => s.vusMax))),
    foldedLabels: largest(results.map((r) => r.foldedLabels)),
    clampedValues: results.reduce((n, r) => n + r.clampedValues, 0),
    timeline,
    ...(submetrics.size > 0
      ? { submetrics: Object.fromEntries(sorted(submetrics).map(([key, sum]) => [key, sum.result()])) }
      : {}),
    ...mergeScriptMetrics(results),
  };
}
