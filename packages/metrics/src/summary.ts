/**
 * The end-of-test summary: a task result (one task's or many merged) read into the numbers
 * people look at — rates over the test's duration and time statistics in ms from the histograms.
 */
import type { LabelResult, LabelSummary, RunSummary, ThresholdOutcome, TimeStats } from '@dlt/model';
import { otherLabel, type TaskResult } from '@dlt/model';
import { Histogram } from './histogram.ts';
import { summarizeScriptMetrics } from './script-metrics.ts';

/** The statistics of an encoded histogram, in ms (all 0 when empty). */
export function timeStats(encoded: string): TimeStats {
  return Histogram.decode(encoded).stats();
}

/** Reads one label's counters and histograms; rates are per second over `durationMs`. */
export function labelSummary(label: LabelResult, durationMs: number): LabelSummary {
  const seconds = durationMs / 1000;
  const perSecond = (n: number) => (seconds > 0 ? n / seconds : 0);
  return {
    requests: label.requests,
    failures: label.failures,
    rps: perSecond(label.requests),
    bytesReceived: label.bytesReceived,
    bytesSent: label.bytesSent,
    bandwidth: perSecond(label.bytesReceived),
    responseTime: timeStats(label.responseTime),
    latency: timeStats(label.latency),
    connectTime: timeStats(label.connectTime),
    statusCodes: label.statusCodes,
    errors: label.errors,
  };
}

/** Things a reader of the summary should know that the numbers alone do not say. */
function warningsOf(result: TaskResult): string[] {
  const warnings: string[] = [];
  if (result.foldedLabels > 0) {
    warnings.push(
      `${result.foldedLabels} labels beyond the label cap were counted under ${otherLabel}; give requests fewer distinct names`,
    );
  }
  if (result.clampedValues > 0) {
    warnings.push(`${result.clampedValues} measurements above 1 h were recorded as 1 h`);
  }
  return warnings;
}

/** The run summary the CLI prints and writes, and the server returns for a run. */
export function summarize(
  result: TaskResult,
  thresholdOutcomes: Readonly<Record<string, ThresholdOutcome>> = {},
): RunSummary {
  const durationMs = Math.max(0, result.endedAt - result.startedAt);
  const labels = Object.fromEntries(
    Object.entries(result.labels).map(([name, label]) => [name, labelSummary(label, durationMs)]),
  );
  const warnings = warningsOf(result);
  return {
    startedAt: new Date(result.startedAt).toISOString(),
    endedAt: new Date(result.endedAt).toISOString(),
    durationMs,
    totals: labelSummary(result.totals, durationMs),
    labels,
    statusCodes: result.totals.statusCodes,
    errors: result.totals.errors,
    iterations: result.iterations.iterations,
    interruptedIterations: result.iterations.interruptedIterations,
    iterationDuration: timeStats(result.iterations.iterationDuration),
    droppedIterations: result.iterations.droppedIterations,
    vusMax: result.vusMax,
    ...(result.iterations.scheduleLag ? { scheduleLag: timeStats(result.iterations.scheduleLag) } : {}),
    thresholds: thresholdOutcomes,
    ...summarizeScriptMetrics(result, durationMs),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
