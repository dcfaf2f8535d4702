/**
 * Sums of the counters that labels, totals and snapshot entries share (requests, failures,
 * bytes, per-status and per-error counts), for the merges.
 */
import type { LabelResult } from '@dlt/model';

/** The counters common to `LabelResult` and `SnapshotStats`. */
export type Counters = Pick<
  LabelResult,
  'requests' | 'failures' | 'bytesSent' | 'bytesReceived' | 'statusCodes' | 'errors'
>;

/** A running sum of counters; reusable after `reset`. */
export class CounterSum {
  requests = 0;
  failures = 0;
  bytesSent = 0;
  bytesReceived = 0;
  #statusCodes: Record<string, number> = {};
  #errors: Record<string, number> = {};

  add(c: Counters): void {
    this.requests += c.requests;
    this.failures += c.failures;
    this.bytesSent += c.bytesSent;
    this.bytesReceived += c.bytesReceived;
    for (const k in c.statusCodes) this.#statusCodes[k] = (this.#statusCodes[k] ?? 0) + c.statusCodes[k];
    for (const k in c.errors) this.#errors[k] = (this.#errors[k] ?? 0) + c.errors[k];
  }

  /** The sums as plain data; status keys come out in ascending order, error kinds sorted. */
  counters(): Counters {
    const errors = Object.fromEntries(Object.entries(this.#errors).sort(([a], [b]) => (a < b ? -1 : 1)));
    const { requests, failures, bytesSent, bytesReceived } = this;
    return { requests, failures, bytesSent, bytesReceived, statusCodes: { ...this.#statusCodes }, errors };
  }

  reset(): void {
    this.requests = this.failures = this.bytesSent = this.bytesReceived = 0;
    this.#statusCodes = {};
    this.#errors = {};
  }
}

/** Get-or-create in a map. */
export function entry<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
