/**
 * Everything the recorder keeps for one label. A sample touches only the open second's counters
 * and response-time histogram and the whole-test latency and connect histograms; closing the
 * second folds it into the whole-test counters. Totals are never recorded: they are sums of the
 * labels, made once per second and once per result, off the hot path.
 */
import type { LabelResult, Sample, SnapshotStats, SnapshotTimes } from '@dlt/model';
import { Histogram } from './histogram.ts';
import { Tally } from './tally.ts';

/** The response-time figures of a snapshot, read from one second's histogram. */
export function snapshotTimes(h: Histogram): SnapshotTimes {
  const [p50, p90, p95, p99] = h.percentiles([50, 90, 95, 99]);
  return { min: h.min, mean: h.mean, p50, p90, p95, p99, max: h.max };
}

/** Counters and histograms of one label (or, when summed, of all of them). */
export class LabelSeries {
  /** The open second. */
  readonly second = new Tally();
  readonly #secondResponseTime = new Histogram({ compact: true });
  /** The closed seconds. */
  readonly #past = new Tally();
  readonly #pastResponseTime = new Histogram({ compact: true });
  /** The whole test: not shown per second, so recorded here directly. */
  readonly #latency = new Histogram({ compact: true });
  readonly #connectTime = new Histogram({ compact: true });

  /**
   * Records one request. Times are whole µs; `connectUs` is negative when the request reused a
   * connection.
   */
  record(s: Sample, failed: boolean, responseUs: number, latencyUs: number, connectUs: number): void {
    this.second.count(s, failed);
    this.#secondResponseTime.recordUs(responseUs);
    this.#latency.recordUs(latencyUs);
    if (connectUs >= 0) this.#connectTime.recordUs(connectUs);
  }

  /** The open second so far, without closing it. */
  secondStats(): SnapshotStats {
    const t = this.second;
    return {
      requests: t.requests,
      failures: t.failures,
      bytesSent: t.bytesSent,
      bytesReceived: t.bytesReceived,
      statusCodes: t.statusCodes(),
      errors: t.errors(),
      responseTime: snapshotTimes(this.#secondResponseTime),
      histogram: this.#secondResponseTime.encode(),
    };
  }

  /** Folds the open second into the whole test and starts a new one. */
  closeSecond(): void {
    this.#past.add(this.second);
    this.#pastResponseTime.add(this.#secondResponseTime);
    this.clearSecond();
  }

  /** Drops the open second (for a scratch series that only sums seconds). */
  clearSecond(): void {
    this.second.reset();
    this.#secondResponseTime.reset();
  }

  /** Adds another series' open second to this one's. */
  addSecond(other: LabelSeries): void {
    this.second.add(other.second);
    this.#secondResponseTime.add(other.#secondResponseTime);
  }

  /** Adds all of another series to this one. */
  addAll(other: LabelSeries): void {
    this.addSecond(other);
    this.#past.add(other.#past);
    this.#pastResponseTime.add(other.#pastResponseTime);
    this.#latency.add(other.#latency);
    this.#connectTime.add(other.#connectTime);
  }

  /** Values above the histograms' range, whole test. */
  get clamped(): number {
    const response = this.#pastResponseTime.clamped + this.#secondResponseTime.clamped;
    return response + this.#latency.clamped + this.#connectTime.clamped;
  }

  /** The whole test so far, the open second included, as wire data. */
  result(): LabelResult {
    const t = new Tally();
    t.add(this.#past);
    t.add(this.second);
    const responseTime = new Histogram().add(this.#pastResponseTime).add(this.#secondResponseTime);
    return {
      requests: t.requests,
      failures: t.failures,
      bytesSent: t.bytesSent,
      bytesReceived: t.bytesReceived,
      statusCodes: t.statusCodes(),
      errors: t.errors(),
      responseTime: responseTime.encode(),
      latency: this.#latency.encode(),
      connectTime: this.#connectTime.encode(),
    };
  }
}
