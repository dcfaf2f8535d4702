/**
 * Threshold evaluation with k6's meaning: each `metric{tags}: aggregation op value` is checked
 * against the whole test so far, and an `abortOnFail` threshold may stop a run early once its
 * `delayAbortEval` has passed. Parsing lives in model; this file only reads results.
 */
import type {
  Problem,
  TaskResult,
  ThresholdAggregation,
  ThresholdOperator,
  ThresholdOutcome,
  ThresholdSpec,
} from '@dlt/model';
import { MetricReader, type MetricReading, unsupportedReason } from './threshold-metrics.ts';

/** One threshold's outcome, with what the summary and the abort logic need beside it. */
export interface ThresholdEvaluation extends ThresholdOutcome {
  readonly abortOnFail: boolean;
  /** Why the threshold could not be checked (it then counts as failed). */
  readonly message?: string;
}

/** The summary key of a threshold: `http_req_duration{label:login}: p(95)<300`. */
export function thresholdKey(spec: ThresholdSpec): string {
  return `${spec.key}: ${spec.expression}`;
}

/** Thresholds dlt cannot evaluate, as problems a front-end can report before the test runs. */
export function checkThresholds(specs: readonly ThresholdSpec[]): Problem[] {
  const problems: Problem[] = [];
  for (const spec of specs) {
    const reason = unsupportedReason(spec.metric, spec.tags);
    if (reason !== undefined) problems.push({ field: `thresholds.${spec.key}`, message: reason });
  }
  return problems;
}

function compare(actual: number, operator: ThresholdOperator, expected: number): boolean {
  switch (operator) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
    case '===':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default: {
      const never: never = operator;
      throw new Error(`unknown operator ${never}`);
    }
  }
}

/** The number an aggregation takes from a reading, or why there is none. */
function aggregate(reading: MetricReading, agg: ThresholdAggregation, elapsedMs: number): number | string {
  const seconds = elapsedMs / 1000;
  switch (reading.type) {
    case 'unsupported':
      return reading.message;
    case 'empty':
      return 0;
    case 'trend': {
      const h = reading.histogram;
      if (agg.kind === 'percentile') return h.percentile(agg.p);
      if (agg.kind === 'avg') return h.mean;
      if (agg.kind === 'min') return h.min;
      if (agg.kind === 'max') return h.max;
      if (agg.kind === 'med') return h.percentile(50);
      break;
    }
    case 'rate':
      if (agg.kind === 'rate') return reading.total > 0 ? reading.matches / reading.total : 0;
      break;
    case 'counter':
      if (agg.kind === 'count') return reading.count;
      if (agg.kind === 'rate') return seconds > 0 ? reading.count / seconds : 0;
      break;
    case 'gauge':
      if (agg.kind === 'value') return reading.value;
      if (agg.kind === 'min') return reading.min;
      if (agg.kind === 'max') return reading.max;
      break;
    default: {
      const never: never = reading;
      throw new Error(`unknown reading ${JSON.stringify(never)}`);
    }
  }
  const name = agg.kind === 'percentile' ? `p(${agg.p})` : agg.kind;
  return `${name} does not apply to a ${reading.type} metric`;
}

function evaluateOne(spec: ThresholdSpec, reader: MetricReader, elapsedMs: number): ThresholdEvaluation {
  const value = aggregate(reader.read(spec.metric, spec.tags), spec.aggregation, elapsedMs);
  if (typeof value === 'string') return { ok: false, abortOnFail: spec.abortOnFail, message: value };
  return { ok: compare(value, spec.operator, spec.value), actual: value, abortOnFail: spec.abortOnFail };
}

/**
 * Checks every threshold against a result. Rates per second divide by `elapsedMs` (default: the
 * result's duration). Keyed by `thresholdKey`.
 */
export function evaluateThresholds(
  specs: readonly ThresholdSpec[],
  result: TaskResult,
  elapsedMs: number = result.endedAt - result.startedAt,
): Record<string, ThresholdEvaluation> {
  const reader = new MetricReader(result);
  const out: Record<string, ThresholdEvaluation> = {};
  for (const spec of specs) out[thresholdKey(spec)] = evaluateOne(spec, reader, elapsedMs);
  return out;
}

/** Whether a run should stop now, and which thresholds say so. */
export type AbortDecision = { readonly abort: false } | { readonly abort: true; readonly crossed: readonly string[] };

/**
 * Checks only the `abortOnFail` thresholds whose delay has passed at `elapsedMs` into the run.
 * A threshold dlt cannot evaluate never aborts a run; it fails at the end instead.
 */
export function shouldAbort(specs: readonly ThresholdSpec[], result: TaskResult, elapsedMs: number): AbortDecision {
  const due = specs.filter((s) => s.abortOnFail && elapsedMs >= s.delayAbortEvalMs);
  if (due.length === 0) return { abort: false };
  const reader = new MetricReader(result);
  const crossed = due.filter((s) => {
    const e = evaluateOne(s, reader, elapsedMs);
    return !e.ok && e.message === undefined;
  });
  return crossed.length === 0 ? { abort: false } : { abort: true, crossed: crossed.map(thresholdKey) };
}
