/**
 * How each k6 metric a threshold may name is read from a task result: which data stands behind
 * `http_req_duration`, `http_reqs{status:500}` or `iterations{scenario:checkout}`, and which
 * metrics and tags dlt does not measure (yet), with the reason.
 */
import type { LabelResult, ScenarioResult, TaskResult } from '@dlt/model';
import { Histogram } from './histogram.ts';
import { needsSubmetric, selectorKey, submetricTags } from './submetrics.ts';

/** What a threshold aggregates: a distribution, a ratio, a running count, or a level. */
export type MetricReading =
  | { readonly type: 'trend'; readonly histogram: Histogram }
  | { readonly type: 'rate'; readonly matches: number; readonly total: number }
  | { readonly type: 'counter'; readonly count: number }
  | { readonly type: 'gauge'; readonly value: number; readonly min: number; readonly max: number }
  | { readonly type: 'unsupported'; readonly message: string }
  /** A custom metric that recorded nothing: every aggregation reads 0. */
  | { readonly type: 'empty' };

type Tags = Readonly<Record<string, string>>;

/** The label a sub-metric selects (`label`, or k6's `name`), or the totals. */
function labelOf(result: TaskResult, tags: Tags): LabelResult | undefined {
  const name = tags.label ?? tags.name;
  return name === undefined ? result.totals : result.labels[name];
}

function scenarioOf(result: TaskResult, tags: Tags): ScenarioResult | undefined {
  return tags.scenario === undefined ? result.iterations : result.scenarios[tags.scenario];
}

/**
 * Tags each metric can filter on; others get an `unsupported` reading naming these. The HTTP
 * metrics filter on every tag a request sample has (a label from its own series, the rest from
 * sub-metrics the recorder keeps for the selectors the thresholds name).
 */
const supportedTags: Readonly<Record<string, readonly string[]>> = {
  http_req_duration: submetricTags,
  http_req_waiting: submetricTags,
  http_req_connecting: submetricTags,
  http_req_failed: submetricTags,
  http_reqs: submetricTags,
  data_received: submetricTags,
  data_sent: submetricTags,
  iterations: ['scenario'],
  iteration_duration: ['scenario'],
  dropped_iterations: ['scenario'],
  vus: [],
  vus_max: [],
  checks: ['check'],
};

/** Metrics k6 has that dlt does not measure yet. */
const notMeasured: Readonly<Record<string, string>> = {
  http_req_blocked: 'dlt does not measure http_req_blocked yet',
  http_req_tls_handshaking: 'dlt does not measure TLS handshakes apart yet; http_req_connecting includes them',
  http_req_sending: 'dlt does not measure http_req_sending yet',
  http_req_receiving: 'dlt does not measure http_req_receiving yet',
};

const emptyLabel: LabelResult = {
  requests: 0,
  failures: 0,
  bytesSent: 0,
  bytesReceived: 0,
  statusCodes: {},
  errors: {},
  responseTime: '',
  latency: '',
  connectTime: '',
};
const emptyScenario: ScenarioResult = {
  iterations: 0,
  interruptedIterations: 0,
  droppedIterations: 0,
  iterationDuration: '',
};

/** Why a metric or its tags cannot be read, or undefined when they can. */
export function unsupportedReason(metric: string, tags: Tags): string | undefined {
  if (metric in notMeasured) return notMeasured[metric];
  const allowed = supportedTags[metric];
  // Any other name is a script's custom metric (front-ends check it was declared).
  if (allowed === undefined) {
    return Object.keys(tags).length > 0 ? `dlt cannot filter the custom metric ${metric} by tags yet` : undefined;
  }
  const bad = Object.keys(tags).find((t) => !allowed.includes(t));
  if (bad === undefined) return undefined;
  const can = allowed.length > 0 ? `it can filter on ${allowed.join(', ')}` : 'it has no sub-metrics';
  return `dlt cannot filter ${metric} by ${bad} yet; ${can}`;
}

/**
 * Reads metrics out of one result, decoding each histogram once however many thresholds use it.
 * A label or scenario that saw nothing reads as empty (zero), as in k6.
 */
export class MetricReader {
  readonly #result: TaskResult;
  readonly #decoded = new Map<string, Histogram>();

  constructor(result: TaskResult) {
    this.#result = result;
  }

  #histogram(encoded: string): Histogram {
    let h = this.#decoded.get(encoded);
    if (h === undefined) {
      h = Histogram.decode(encoded);
      this.#decoded.set(encoded, h);
    }
    return h;
  }

  /** The reading behind `metric{tags}`. */
  read(metric: string, tags: Tags): MetricReading {
    const reason = unsupportedReason(metric, tags);
    if (reason !== undefined) return { type: 'unsupported', message: reason };
    const r = this.#result;
    const sub = needsSubmetric(metric, tags);
    const picked = sub ? r.submetrics?.[selectorKey(tags)] : (labelOf(r, tags) ?? emptyLabel);
    // A recorder given the selector always reports it, if only with zeros: missing means never recorded.
    if (picked === undefined) {
      return {
        type: 'unsupported',
        message: `this result has no sub-metric {${selectorKey(tags)}}: it was not recorded`,
      };
    }
    const label = picked;
    const scenario = scenarioOf(r, tags) ?? emptyScenario;
    const trend = (encoded: string) => ({ type: 'trend', histogram: this.#histogram(encoded) }) as const;
    const counter = (count: number) => ({ type: 'counter', count }) as const;
    switch (metric) {
      case 'http_req_duration':
        return trend(label.responseTime);
      case 'http_req_waiting':
        return trend(label.latency);
      case 'http_req_connecting':
        return trend(label.connectTime);
      case 'http_req_failed':
        return { type: 'rate', matches: label.failures, total: label.requests };
      case 'http_reqs':
        return counter(sub || tags.status === undefined ? label.requests : (label.statusCodes[tags.status] ?? 0));
      case 'data_received':
        return counter(label.bytesReceived);
      case 'data_sent':
        return counter(label.bytesSent);
      case 'iterations':
        return counter(scenario.iterations);
      case 'iteration_duration':
        return trend(scenario.iterationDuration);
      case 'dropped_iterations':
        return counter(scenario.droppedIterations);
      case 'vus':
        return this.#vus();
      case 'vus_max':
        return { type: 'gauge', value: r.vusMax, min: r.vusMax, max: r.vusMax };
      case 'checks':
        return this.#checks(tags.check);
      default:
        return this.#custom(metric);
    }
  }

  /** The share of checks that passed: all of them, or those of one name. */
  #checks(name: string | undefined): MetricReading {
    const all = this.#result.checks ?? {};
    const picked = name === undefined ? Object.values(all) : all[name] ? [all[name]] : [];
    let matches = 0;
    let total = 0;
    for (const c of picked) {
      matches += c.passes;
      total += c.passes + c.fails;
    }
    return { type: 'rate', matches, total };
  }

  /** A custom metric; one that recorded nothing reads as empty (zero), as in k6. */
  #custom(metric: string): MetricReading {
    const m = this.#result.metrics?.[metric];
    if (m === undefined) return { type: 'empty' };
    switch (m.type) {
      case 'counter':
        return { type: 'counter', count: m.count };
      case 'rate':
        return { type: 'rate', matches: m.matches, total: m.total };
      case 'gauge':
        return { type: 'gauge', value: m.value, min: m.min, max: m.max };
      case 'trend':
        return { type: 'trend', histogram: this.#histogram(m.histogram) };
    }
  }

  /** Active VUs: now (the last second), and the least and most over the timeline. */
  #vus(): MetricReading {
    const timeline = this.#result.timeline;
    if (timeline.length === 0) return { type: 'gauge', value: 0, min: 0, max: this.#result.vusMax };
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (const s of timeline) {
      min = Math.min(min, s.vus);
      max = Math.max(max, s.vusMax);
    }
    return { type: 'gauge', value: timeline[timeline.length - 1].vus, min, max };
  }
}
