/**
 * What scripts measure besides requests (k6 `check` and `k6/metrics`): kept per name for the
 * whole test, merged exactly across tasks (counts added, trends as HDR histograms added, a
 * gauge's latest value kept), read into the summary and by thresholds.
 */
import type { CheckResult, CustomMetricResult, CustomMetricSummary, ScriptMetric, TaskResult } from '@dlt/model';
import { Histogram } from './histogram.ts';

type Series =
  | { type: 'counter'; count: number }
  | { type: 'rate'; matches: number; total: number }
  | { type: 'gauge'; value: number; min: number; max: number; at: number }
  | { type: 'trend'; histogram: Histogram };

/** At most this many distinct check and metric names are kept; later names are dropped. */
const maxNames = 1_000;

/** Collects checks and custom metrics of one task. */
export class ScriptMetricSeries {
  readonly #checks = new Map<string, { passes: number; fails: number }>();
  readonly #metrics = new Map<string, Series>();
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  add(point: ScriptMetric): void {
    if (point.kind === 'check') {
      let c = this.#checks.get(point.name);
      if (c === undefined) {
        if (this.#checks.size >= maxNames) return;
        c = { passes: 0, fails: 0 };
        this.#checks.set(point.name, c);
      }
      if (point.ok) c.passes++;
      else c.fails++;
      return;
    }
    const s = this.#series(point.name, point.kind);
    if (s === undefined) return;
    switch (s.type) {
      case 'counter':
        s.count += point.value;
        return;
      case 'rate':
        s.total++;
        if (point.value !== 0) s.matches++;
        return;
      case 'gauge':
        s.value = point.value;
        s.min = Math.min(s.min, point.value);
        s.max = Math.max(s.max, point.value);
        s.at = this.#clock();
        return;
      case 'trend':
        s.histogram.recordMs(point.value);
        return;
    }
  }

  #series(name: string, kind: Series['type']): Series | undefined {
    const known = this.#metrics.get(name);
    if (known !== undefined) return known.type === kind ? known : undefined;
    if (this.#metrics.size >= maxNames) return undefined;
    const s = fresh(kind);
    this.#metrics.set(name, s);
    return s;
  }

  /** The fields a task result gets (none when nothing was recorded). */
  result(): Pick<TaskResult, 'checks' | 'metrics'> {
    const out: { checks?: Record<string, CheckResult>; metrics?: Record<string, CustomMetricResult> } = {};
    if (this.#checks.size > 0) out.checks = Object.fromEntries([...this.#checks].map(([k, v]) => [k, { ...v }]));
    if (this.#metrics.size > 0) out.metrics = Object.fromEntries([...this.#metrics].map(([k, s]) => [k, encode(s)]));
    return out;
  }
}

function fresh(kind: Series['type']): Series {
  switch (kind) {
    case 'counter':
      return { type: 'counter', count: 0 };
    case 'rate':
      return { type: 'rate', matches: 0, total: 0 };
    case 'gauge':
      return { type: 'gauge', value: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, at: 0 };
    case 'trend':
      return { type: 'trend', histogram: new Histogram({ compact: true }) };
  }
}

function encode(s: Series): CustomMetricResult {
  return s.type === 'trend' ? { type: 'trend', histogram: s.histogram.encode() } : { ...s };
}

/** Merges the checks and custom metrics of many results. */
export function mergeScriptMetrics(results: readonly TaskResult[]): Pick<TaskResult, 'checks' | 'metrics'> {
  const checks = new Map<string, { passes: number; fails: number }>();
  const metrics = new Map<string, Series>();
  for (const r of results) {
    for (const [name, c] of Object.entries(r.checks ?? {})) {
      const sum = checks.get(name) ?? { passes: 0, fails: 0 };
      sum.passes += c.passes;
      sum.fails += c.fails;
      checks.set(name, sum);
    }
    for (const [name, m] of Object.entries(r.metrics ?? {})) {
      const s = metrics.get(name) ?? fresh(m.type);
      if (s.type !== m.type) continue;
      metrics.set(name, s);
      mergeInto(s, m);
    }
  }
  const out: { checks?: Record<string, CheckResult>; metrics?: Record<string, CustomMetricResult> } = {};
  if (checks.size > 0) out.checks = Object.fromEntries(checks);
  if (metrics.size > 0) out.metrics = Object.fromEntries([...metrics].map(([k, s]) => [k, encode(s)]));
  return out;
}

function mergeInto(s: Series, m: CustomMetricResult): void {
  if (s.type === 'counter' && m.type === 'counter') s.count += m.count;
  else if (s.type === 'rate' && m.type === 'rate') {
    s.matches += m.matches;
    s.total += m.total;
  } else if (s.type === 'gauge' && m.type === 'gauge') {
    if (m.at >= s.at) {
      s.value = m.value;
      s.at = m.at;
    }
    s.min = Math.min(s.min, m.min);
    s.max = Math.max(s.max, m.max);
  } else if (s.type === 'trend' && m.type === 'trend') s.histogram.addEncoded(m.histogram);
}

/** The summary's view of checks and custom metrics; counter rates are per second over `durationMs`. */
export function summarizeScriptMetrics(result: TaskResult, durationMs: number) {
  const seconds = durationMs / 1000;
  const metrics: Record<string, CustomMetricSummary> = {};
  for (const [name, m] of Object.entries(result.metrics ?? {})) {
    switch (m.type) {
      case 'counter':
        metrics[name] = { type: 'counter', count: m.count, rate: seconds > 0 ? m.count / seconds : 0 };
        break;
      case 'rate':
        metrics[name] = {
          type: 'rate',
          rate: m.total > 0 ? m.matches / m.total : 0,
          matches: m.matches,
          total: m.total,
        };
        break;
      case 'gauge':
        metrics[name] = { type: 'gauge', value: m.value, min: m.min, max: m.max };
        break;
      case 'trend': {
        const h = Histogram.decode(m.histogram);
        metrics[name] = { type: 'trend', stats: h.stats(), count: h.count };
        break;
      }
    }
  }
  return {
    ...(result.checks ? { checks: result.checks } : {}),
    ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
  };
}
