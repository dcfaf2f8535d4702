/**
 * `--fail-on-regression PCT`: a run against its baseline on the two numbers CI gates on, the
 * p95 response time and the error rate. Each is worse by the change in percent of the
 * baseline's value; a baseline of 0 has no percent, so any rise from it counts as worse than
 * every PCT (a run with errors where the baseline had none is a regression).
 */
import type { LabelSummary, RunSummary } from '@dlt/model';

export interface RegressionCheck {
  /** `p95` or `errorRate`. */
  readonly metric: 'p95' | 'errorRate';
  readonly value: number;
  readonly baseline: number;
  /** Change in percent of the baseline (Infinity when the baseline is 0 and the value is not). */
  readonly changePercent: number;
  /** Worse by more than the allowed percent. */
  readonly regressed: boolean;
}

export interface RegressionVerdict {
  readonly baselineId: string;
  readonly allowedPercent: number;
  readonly checks: readonly RegressionCheck[];
  readonly regressed: boolean;
}

const readers = {
  p95: (l: LabelSummary) => l.responseTime.p95,
  errorRate: (l: LabelSummary) => (l.requests > 0 ? l.failures / l.requests : 0),
} as const;

function changePercent(value: number, baseline: number): number {
  if (baseline === 0) return value === 0 ? 0 : Number.POSITIVE_INFINITY;
  return ((value - baseline) / baseline) * 100;
}

/** Compares a run's totals with its baseline's; `allowedPercent` is the PCT of the option. */
export function checkRegression(
  run: RunSummary,
  baseline: RunSummary,
  baselineId: string,
  allowedPercent: number,
): RegressionVerdict {
  const checks = (Object.keys(readers) as (keyof typeof readers)[]).map((metric): RegressionCheck => {
    const value = readers[metric](run.totals);
    const base = readers[metric](baseline.totals);
    const change = changePercent(value, base);
    return { metric, value, baseline: base, changePercent: change, regressed: change > allowedPercent };
  });
  return { baselineId, allowedPercent, checks, regressed: checks.some((c) => c.regressed) };
}

/** One line per metric, as the CLI prints it and the JUnit failure says it. */
export function describeCheck(c: RegressionCheck, allowedPercent: number): string {
  const show = (n: number) => (c.metric === 'p95' ? `${n.toFixed(2)}ms` : `${(n * 100).toFixed(2)}%`);
  const change = Number.isFinite(c.changePercent)
    ? `${c.changePercent >= 0 ? '+' : ''}${c.changePercent.toFixed(1)}%`
    : 'up from 0';
  const verdict = c.regressed ? `worse by more than ${allowedPercent}%` : 'within bounds';
  return `${c.metric === 'p95' ? 'p95 response time' : 'error rate'} ${show(c.value)} vs baseline ${show(c.baseline)} (${change}): ${verdict}`;
}

/** Parses the option's value: a percentage ≥ 0 in decimal (`10`, `2.5`, `10%`). */
export function parsePercent(text: string): number | undefined {
  // Number() alone reads "0x10" as 16 and "1e3" as 1000: a typo would pass as a gate.
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%?\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}
