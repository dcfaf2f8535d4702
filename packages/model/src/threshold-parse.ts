/**
 * Reads k6-style thresholds (`"http_req_duration{label:login}": ["p(95)<300"]`) into
 * `ThresholdSpec`s, refusing unknown metrics, tags, aggregations and operators with a message
 * that says what would be accepted.
 */
import { closest } from './closest.ts';
import { durationHint, tryParseDuration } from './duration.ts';
import { DltError, ErrorCode, formatProblem } from './errors.ts';
import type { ThresholdAggregation, ThresholdOperator, ThresholdSpec } from './threshold.ts';
import { thresholdOperators } from './threshold.ts';

/** k6's metric types: what a metric's value is and so which aggregations make sense. */
export type MetricType = 'trend' | 'rate' | 'counter' | 'gauge';

/** The built-in metrics a threshold may name, with their type. */
export const builtinMetrics = {
  http_req_duration: 'trend',
  http_req_waiting: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_receiving: 'trend',
  http_req_blocked: 'trend',
  http_req_failed: 'rate',
  http_reqs: 'counter',
  iterations: 'counter',
  iteration_duration: 'trend',
  dropped_iterations: 'counter',
  data_received: 'counter',
  data_sent: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
  checks: 'rate',
} as const satisfies Record<string, MetricType>;
export type BuiltinMetric = keyof typeof builtinMetrics;

/** Aggregations each metric type offers (`p(N)` stands for any percentile). */
export const aggregationsByType = {
  trend: ['avg', 'min', 'max', 'med', 'p(N)'],
  rate: ['rate'],
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max'],
} as const satisfies Record<MetricType, readonly string[]>;

/**
 * Tags each metric's sub-metrics can filter on, as far as dlt measures them (results keep
 * histograms per label, iterations per scenario, and for the HTTP metrics one more series per
 * selector a threshold names: scenario, method, status, expected_response); `name` is accepted
 * as an alias of `label`. k6 has more (`url`, `group`, a request's own tags): those are refused
 * before the test runs, by name.
 */
/** What every HTTP sample carries: its label, scenario, method, status and whether it passed. */
const httpTags = ['label', 'scenario', 'method', 'status', 'expected_response'] as const;

const tagsByMetric: Readonly<Record<BuiltinMetric, readonly string[]>> = {
  http_req_duration: httpTags,
  http_req_waiting: httpTags,
  http_req_connecting: httpTags,
  http_req_tls_handshaking: [],
  http_req_sending: [],
  http_req_receiving: [],
  http_req_blocked: [],
  http_req_failed: httpTags,
  http_reqs: httpTags,
  data_received: httpTags,
  data_sent: httpTags,
  iterations: ['scenario'],
  iteration_duration: ['scenario'],
  dropped_iterations: ['scenario'],
  vus: [],
  vus_max: [],
  checks: ['check'],
};
const tagAliases: Readonly<Record<string, string>> = { name: 'label' };

/** k6's tags that dlt does not keep apart (yet) for some metrics: refused with "cannot filter … yet". */
const k6Tags = ['label', 'scenario', 'status', 'method', 'url', 'group', 'expected_response', 'check'];

/** k6 metrics that dlt does not measure (yet), with the reason: refused before the test runs. */
const notMeasured: Readonly<Partial<Record<BuiltinMetric, string>>> = {
  http_req_blocked: 'dlt does not measure http_req_blocked yet',
  http_req_tls_handshaking: 'dlt does not measure TLS handshakes apart yet; http_req_connecting includes them',
  http_req_sending: 'dlt does not measure http_req_sending yet',
  http_req_receiving: 'dlt does not measure http_req_receiving yet',
};

function tagsOf(metric: BuiltinMetric): readonly string[] {
  return tagsByMetric[metric];
}

/** A parse outcome: the value, or a message (and hint) for the user. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string; readonly hint?: string };

const fail = (message: string, hint?: string) => ({ ok: false, message, hint }) as const;

/** Custom metrics a script declares (k6 `new Trend('name')`), by name. */
export type CustomMetrics = Readonly<Record<string, MetricType>>;

/** The metric and tag filter of a threshold key: `http_req_duration{label:login,status:200}`. */
export interface ThresholdKey {
  /** A built-in metric, or a custom one of the script. */
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Reads a threshold key, normalising tag aliases (`name` → `label`). */
export function parseThresholdKey(key: string, custom: CustomMetrics = {}): Parsed<ThresholdKey> {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\{(.*)\})?\s*$/s.exec(key);
  if (m === null)
    return fail(`"${key}" is not a metric name with an optional tag filter`, 'e.g. http_req_duration{label:login}');
  const metric = m[1];
  if (Object.hasOwn(custom, metric)) {
    return m[2] === undefined
      ? parsed({ metric, tags: {} })
      : fail(`dlt cannot filter the custom metric ${metric} by tags yet`);
  }
  if (!Object.hasOwn(builtinMetrics, metric)) {
    const names = [...Object.keys(builtinMetrics), ...Object.keys(custom)];
    const near = closest(metric, names);
    return fail(`"${metric}" is not a metric`, near ? `did you mean ${near}?` : `metrics: ${names.join(', ')}`);
  }
  const reason = notMeasured[metric as BuiltinMetric];
  if (reason !== undefined) return fail(reason);
  const tags = m[2] === undefined ? parsed({}) : parseTags(metric as BuiltinMetric, m[2]);
  return tags.ok ? parsed({ metric: metric as BuiltinMetric, tags: tags.value }) : tags;
}

function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

function parseTags(metric: BuiltinMetric, text: string): Parsed<Record<string, string>> {
  const allowed = tagsOf(metric);
  if (allowed.length === 0) return fail(`${metric} has no tags to filter on`);
  const tags: Record<string, string> = {};
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    const name = (colon < 0 ? part : part.slice(0, colon)).trim();
    const value = colon < 0 ? '' : unquote(part.slice(colon + 1).trim());
    if (colon < 0 || name === '' || value === '') return fail(`"{${text}}" is not a tag filter`, 'e.g. {label:login}');
    const tag = tagAliases[name] ?? name;
    if (!allowed.includes(tag)) {
      const message = k6Tags.includes(tag)
        ? `dlt cannot filter ${metric} by ${name} yet`
        : `${metric} has no tag "${name}"`;
      return fail(message, `tags: ${allowed.join(', ')}`);
    }
    if (tag in tags) return fail(`tag "${tag}" is given twice`);
    if (tag === 'expected_response' && value !== 'true' && value !== 'false') {
      return fail(`expected_response is true or false, got "${value}"`);
    }
    tags[tag] = value;
  }
  return parsed(tags);
}

function unquote(s: string): string {
  return /^(["']).*\1$/s.test(s) ? s.slice(1, -1) : s;
}

/** The left side, operator and right side of `p(95) < 300`. */
export interface ThresholdExpression {
  readonly aggregation: ThresholdAggregation;
  readonly operator: ThresholdOperator;
  readonly value: number;
}

/** Reads `<aggregation> <operator> <number>` and checks the aggregation suits the metric (of type `type`). */
export function parseThresholdExpression(
  metric: string,
  expression: string,
  type: MetricType = builtinMetrics[metric as BuiltinMetric],
): Parsed<ThresholdExpression> {
  const q = JSON.stringify(expression);
  const op = /[<>=!]+/.exec(expression);
  const ops = thresholdOperators.join(', ');
  if (op === null) return fail(`${q} has no comparison operator`, `one of ${ops}, e.g. p(95)<300`);
  if (!(thresholdOperators as readonly string[]).includes(op[0])) {
    return fail(`${q}: "${op[0]}" is not an operator`, `one of ${ops}`);
  }
  const aggregation = parseAggregation(metric, type, expression.slice(0, op.index).trim());
  if (!aggregation.ok) return { ...aggregation, message: `${q}: ${aggregation.message}` };
  const right = expression.slice(op.index + op[0].length).trim();
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(right)) {
    const timed = type === 'trend' && tryParseDuration(right).ok;
    return fail(`${q}: "${right}" is not a number`, timed ? 'times are in milliseconds, e.g. p(95)<300' : undefined);
  }
  return parsed({ aggregation: aggregation.value, operator: op[0] as ThresholdOperator, value: Number(right) });
}

function parseAggregation(metric: string, type: MetricType, text: string): Parsed<ThresholdAggregation> {
  const offered: readonly string[] = aggregationsByType[type];
  const wrongType = () => fail(`${text} does not apply to ${metric} (a ${type}: ${offered.join(', ')})`);
  const p = /^p\(\s*([^)]*?)\s*\)$/.exec(text);
  if (p !== null) {
    const n = Number(p[1]);
    if (p[1] === '' || !Number.isFinite(n) || n < 0 || n > 100)
      return fail(`a percentile is 0 to 100, got ${p[1] || 'nothing'}`);
    return offered.includes('p(N)') ? parsed({ kind: 'percentile', p: n }) : wrongType();
  }
  const kinds = ['avg', 'min', 'max', 'med', 'count', 'rate', 'value'] as const;
  const kind = kinds.find((k) => k === text);
  if (kind === undefined) {
    return fail(`"${text}" is not an aggregation`, `${metric} is a ${type}: ${offered.join(', ')}`);
  }
  return offered.includes(kind) ? parsed({ kind }) : wrongType();
}

/** k6's long form of one threshold. */
export interface ThresholdObject {
  readonly threshold: string;
  readonly abortOnFail?: boolean;
  readonly delayAbortEval?: string | number;
}

const objectKeys = ['threshold', 'abortOnFail', 'delayAbortEval'];

/** Reads the options of the long form; the expression itself is checked by the caller. */
function readObject(entry: unknown): Parsed<{ expression: string; abortOnFail: boolean; delayAbortEvalMs: number }> {
  if (typeof entry === 'string') return parsed({ expression: entry, abortOnFail: false, delayAbortEvalMs: 0 });
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return fail('expected an expression such as "p(95)<300" or { threshold, abortOnFail, delayAbortEval }');
  }
  const o = entry as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !objectKeys.includes(k));
  if (unknown.length > 0) return fail(`unknown field "${unknown[0]}"`, `fields: ${objectKeys.join(', ')}`);
  if (typeof o.threshold !== 'string') return fail('threshold: expected an expression such as "p(95)<300"');
  if (o.abortOnFail !== undefined && typeof o.abortOnFail !== 'boolean')
    return fail('abortOnFail: expected true or false');
  const delay = o.delayAbortEval === undefined ? ({ ok: true, ms: 0 } as const) : tryParseDuration(o.delayAbortEval);
  if (!delay.ok) return fail(`delayAbortEval: ${delay.message}`, durationHint);
  return parsed({ expression: o.threshold, abortOnFail: o.abortOnFail === true, delayAbortEvalMs: delay.ms });
}

/**
 * Reads one threshold without throwing: a key and one entry of its list (an expression or the
 * long form; anything else is refused with a message). `custom` names a script's own metrics.
 */
export function tryParseThreshold(key: string, entry: unknown, custom: CustomMetrics = {}): Parsed<ThresholdSpec> {
  const k = parseThresholdKey(key, custom);
  if (!k.ok) return k;
  const o = readObject(entry);
  if (!o.ok) return o;
  const e = parseThresholdExpression(k.value.metric, o.value.expression, custom[k.value.metric]);
  if (!e.ok) return e;
  return parsed({
    key,
    metric: k.value.metric,
    tags: k.value.tags,
    expression: o.value.expression,
    ...e.value,
    abortOnFail: o.value.abortOnFail,
    delayAbortEvalMs: o.value.delayAbortEvalMs,
  });
}

/** Reads one threshold; throws a bad-input `DltError` naming the key when it is wrong. */
export function parseThreshold(key: string, entry: string | ThresholdObject): ThresholdSpec {
  const r = tryParseThreshold(key, entry);
  if (!r.ok) {
    const problem = {
      field: `thresholds[${JSON.stringify(key)}]`,
      message: r.message,
      ...(r.hint ? { hint: r.hint } : {}),
    };
    throw new DltError(ErrorCode.BadInput, formatProblem(problem), { problems: [problem] });
  }
  return r.value;
}
