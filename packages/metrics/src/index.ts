/**
 * Metrics: HDR histograms, the recorder the engine feeds, per-second snapshots, exact merges,
 * the end-of-test summary and threshold evaluation.
 */
export { Histogram, histogramRange } from './histogram.ts';
export { mergeResults } from './merge.ts';
export { mergeSnapshots, SnapshotSum } from './merge-snapshots.ts';
export { Recorder, type RecorderOptions } from './recorder.ts';
export { needsSubmetric, selectorKey, submetricSelectors } from './submetrics.ts';
export { labelSummary, summarize, timeStats } from './summary.ts';
export {
  type AbortDecision,
  checkThresholds,
  evaluateThresholds,
  shouldAbort,
  type ThresholdEvaluation,
  thresholdKey,
} from './thresholds.ts';
