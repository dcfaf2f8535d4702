/**
 * The recorder is where the engine puts every sample. It keeps counters and HDR histograms per
 * label for the whole test and for the current second; `tick` closes the second into a
 * snapshot, `result` gives the task result. Memory grows with labels × seconds, never with
 * requests: labels are capped, and the timeline holds one snapshot per second.
 */
import type {
  LabelResult,
  Sample,
  ScenarioResult,
  ScriptMetric,
  Snapshot,
  SnapshotStats,
  TaskResult,
} from '@dlt/model';
import { isFailure, otherLabel, taskResultFormat } from '@dlt/model';
import { Histogram } from './histogram.ts';
import { LabelSeries } from './label-series.ts';
import { ScriptMetricSeries } from './script-metrics.ts';
import { type SampleMatcher, sampleMatcher, selectorKey } from './submetrics.ts';

export interface RecorderOptions {
  /** Distinct labels kept apart (default 1,000); later ones are counted under `__other__`. */
  readonly maxLabels?: number;
  /** Wall clock in epoch ms (default `Date.now`); tests pass a fake one. */
  readonly clock?: () => number;
  /** When the task started, epoch ms (default: the clock when the recorder is made). */
  readonly startedAt?: number;
  /**
   * Selectors (tag filters such as `{ scenario: 'buy' }`) whose requests are kept apart as
   * sub-metrics for thresholds: see `submetricSelectors`. None by default.
   */
  readonly submetrics?: readonly Readonly<Record<string, string>>[];
}

/** One sub-metric: its key in the result, which requests it takes, and their series. */
interface Submetric {
  readonly key: string;
  readonly matches: SampleMatcher;
  readonly series: LabelSeries;
}

/** Iterations of one scenario, for the whole test. */
interface ScenarioSeries {
  iterations: number;
  interrupted: number;
  dropped: number;
  readonly duration: Histogram;
  /** Open models only: start lateness of each iteration. */
  readonly lag: Histogram;
}

/** Folded label names remembered for fast lookup, so an unbounded stream of names stays bounded. */
const foldedNamesKept = 10_000;

/** Whole microseconds from a duration in ms. */
function toUs(ms: number): number {
  return Math.round(ms * 1000);
}

/** Collects samples, iterations and VUs of one task. Not shared across threads: one per worker. */
export class Recorder {
  readonly #maxLabels: number;
  readonly #clock: () => number;
  #startedAt: number;
  /** Label name → its series; folded names map to the `__other__` series. */
  readonly #byName = new Map<string, LabelSeries>();
  readonly #labels: [string, LabelSeries][] = [];
  /** Scratch for summing the labels' open seconds at each tick. */
  readonly #secondTotals = new LabelSeries();
  #other: LabelSeries | undefined;
  #folded = 0;
  readonly #scenarios = new Map<string, ScenarioSeries>();
  readonly #timeline: Snapshot[] = [];
  /** Checks and custom metrics of scripts (k6). */
  readonly #script: ScriptMetricSeries;
  #windowStart: number;
  #lastAt = -Infinity;
  /** Iterations completed, interrupted and dropped during the current second. */
  #secondIterations = 0;
  #secondInterrupted = 0;
  #secondDropped = 0;
  #vus = 0;
  #vusMax = 0;
  #secondVusMax = 0;
  readonly #submetrics: Submetric[] = [];

  constructor(options: RecorderOptions = {}) {
    this.#maxLabels = options.maxLabels ?? 1000;
    this.#clock = options.clock ?? Date.now;
    this.#startedAt = options.startedAt ?? this.#clock();
    this.#windowStart = this.#startedAt;
    this.#script = new ScriptMetricSeries(this.#clock);
    for (const tags of options.submetrics ?? []) {
      const key = selectorKey(tags);
      if (this.#submetrics.some((m) => m.key === key)) continue;
      this.#submetrics.push({ key, matches: sampleMatcher(tags), series: new LabelSeries() });
    }
  }

  /**
   * Marks the real start of the task (epoch ms), when it comes after the recorder was made
   * (VUs made first, a common start time): durations and rates count from here.
   */
  markStart(epochMs: number): void {
    this.#startedAt = epochMs;
    this.#windowStart = epochMs;
  }

  /** Records one request. The hot path: a map lookup, counters and histogram slots. */
  record(s: Sample): void {
    const series = this.#byName.get(s.label) ?? this.#add(s.label);
    const failed = isFailure(s);
    const responseUs = toUs(s.endedAt - s.intendedAt);
    const latencyUs = toUs(s.firstByteAt - s.intendedAt);
    const t = s.timings;
    const connectUs = t.connect > 0 ? toUs(t.dns + t.connect + t.tls) : -1;
    series.record(s, failed, responseUs, latencyUs, connectUs);
    if (this.#submetrics.length > 0) this.#recordSubmetrics(s, failed, responseUs, latencyUs, connectUs);
  }

  #recordSubmetrics(s: Sample, failed: boolean, responseUs: number, latencyUs: number, connectUs: number): void {
    for (const m of this.#submetrics) {
      if (m.matches(s, failed)) m.series.record(s, failed, responseUs, latencyUs, connectUs);
    }
  }

  #add(label: string): LabelSeries {
    if (this.#labels.length < this.#maxLabels && label !== otherLabel) {
      const series = new LabelSeries();
      this.#byName.set(label, series);
      this.#labels.push([label, series]);
      return series;
    }
    if (this.#other === undefined) {
      this.#other = new LabelSeries();
      this.#byName.set(otherLabel, this.#other);
    }
    if (label === otherLabel) return this.#other;
    this.#folded++;
    if (this.#folded <= foldedNamesKept) this.#byName.set(label, this.#other);
    return this.#other;
  }

  /** Records one iteration of `scenario` that ran `durationMs`; interrupted ones are counted apart. */
  recordIteration(scenario: string, durationMs: number, interrupted = false, scheduleLagMs?: number): void {
    const s = this.#scenario(scenario);
    if (scheduleLagMs !== undefined) s.lag.recordMs(scheduleLagMs);
    if (interrupted) {
      s.interrupted++;
      this.#secondInterrupted++;
      return;
    }
    s.iterations++;
    this.#secondIterations++;
    s.duration.recordMs(durationMs);
  }

  /** Records a check outcome or a custom metric's value of a script (k6). */
  recordMetric(_scenario: string, point: ScriptMetric): void {
    this.#script.add(point);
  }

  /** Counts iterations an open model could not start for want of a free VU. */
  recordDropped(scenario: string, n = 1): void {
    this.#scenario(scenario).dropped += n;
    this.#secondDropped += n;
  }

  #scenario(name: string): ScenarioSeries {
    let s = this.#scenarios.get(name);
    if (s === undefined) {
      s = {
        iterations: 0,
        interrupted: 0,
        dropped: 0,
        duration: new Histogram({ compact: true }),
        lag: new Histogram({ compact: true }),
      };
      this.#scenarios.set(name, s);
    }
    return s;
  }

  /** The number of active VUs now; the highest is kept per second and for the test. */
  setVus(active: number): void {
    this.#vus = active;
    if (active > this.#secondVusMax) this.#secondVusMax = active;
    if (active > this.#vusMax) this.#vusMax = active;
  }

  /**
   * Closes the second that just ended (call it just after each wall-clock second) and returns
   * its snapshot, which is also kept for the timeline.
   */
  tick(nowEpochMs: number = this.#clock()): Snapshot {
    const snapshot = this.#peek(nowEpochMs);
    this.#timeline.push(snapshot);
    this.#lastAt = snapshot.at;
    this.#windowStart = nowEpochMs;
    for (const [, series] of this.#named()) series.closeSecond();
    for (const m of this.#submetrics) m.series.closeSecond();
    this.#secondIterations = this.#secondInterrupted = this.#secondDropped = 0;
    this.#secondVusMax = this.#vus;
    return snapshot;
  }

  /**
   * The snapshot of the window so far. Its second is the one holding the window's middle, so a
   * tick a little late still names the second it mostly covers; it is never one already used.
   */
  #peek(now: number): Snapshot {
    const middle = (this.#windowStart + now) / 2;
    const at = Math.max(Math.floor(middle / 1000) * 1000, this.#lastAt + 1000);
    const labels: Record<string, SnapshotStats> = {};
    const totals = this.#secondTotals;
    totals.clearSecond();
    for (const [name, series] of this.#named()) {
      if (series.second.requests === 0) continue;
      labels[name] = series.secondStats();
      totals.addSecond(series);
    }
    return {
      at,
      durationMs: now - this.#windowStart,
      totals: totals.secondStats(),
      labels,
      iterations: this.#secondIterations,
      interruptedIterations: this.#secondInterrupted,
      droppedIterations: this.#secondDropped,
      vus: this.#vus,
      vusMax: this.#secondVusMax,
    };
  }

  /**
   * Everything so far. A second still open that saw any activity is included in the timeline
   * as it stands (without closing it), so the totals always equal the timeline's sum.
   */
  result(nowEpochMs: number = this.#clock()): TaskResult {
    const timeline = [...this.#timeline];
    const all = new LabelSeries();
    const labels: Record<string, LabelResult> = {};
    for (const [name, series] of this.#named()) {
      labels[name] = series.result();
      all.addAll(series);
    }
    const open = all.second.requests > 0 || this.#secondIterations + this.#secondInterrupted + this.#secondDropped > 0;
    if (open) timeline.push(this.#peek(nowEpochMs));
    const iterations = this.#iterationResults();
    return {
      format: taskResultFormat,
      startedAt: this.#startedAt,
      endedAt: nowEpochMs,
      totals: all.result(),
      labels,
      iterations: iterations.total,
      scenarios: iterations.scenarios,
      vusMax: this.#vusMax,
      foldedLabels: this.#folded,
      clampedValues: all.clamped + iterations.clamped,
      timeline,
      ...this.#submetricResults(),
      ...this.#script.result(),
    };
  }

  #submetricResults(): { submetrics?: Record<string, LabelResult> } {
    if (this.#submetrics.length === 0) return {};
    return { submetrics: Object.fromEntries(this.#submetrics.map((m) => [m.key, m.series.result()])) };
  }

  /** Label names with their series, `__other__` last. */
  #named(): [string, LabelSeries][] {
    return this.#other === undefined ? this.#labels : [...this.#labels, [otherLabel, this.#other]];
  }

  #iterationResults(): { total: ScenarioResult; scenarios: Record<string, ScenarioResult>; clamped: number } {
    const scenarios: Record<string, ScenarioResult> = {};
    const duration = new Histogram();
    const lag = new Histogram();
    let iterations = 0;
    let interrupted = 0;
    let dropped = 0;
    for (const [name, s] of [...this.#scenarios].sort(([a], [b]) => (a < b ? -1 : 1))) {
      scenarios[name] = {
        iterations: s.iterations,
        interruptedIterations: s.interrupted,
        droppedIterations: s.dropped,
        iterationDuration: s.duration.encode(),
        ...(s.lag.count > 0 ? { scheduleLag: s.lag.encode() } : {}),
      };
      duration.add(s.duration);
      lag.add(s.lag);
      iterations += s.iterations;
      interrupted += s.interrupted;
      dropped += s.dropped;
    }
    const total = {
      iterations,
      interruptedIterations: interrupted,
      droppedIterations: dropped,
      iterationDuration: duration.encode(),
      ...(lag.count > 0 ? { scheduleLag: lag.encode() } : {}),
    };
    return { total, scenarios, clamped: duration.clamped };
  }
}
