/**
 * Request counters of one label over some span (a second, or the whole test): requests,
 * failures, bytes, and counts per HTTP status and per error kind. Counting allocates nothing.
 */
import type { Sample } from '@dlt/model';

/** HTTP statuses are three digits; anything else (never seen from a parser) goes to a map. */
const statusSlots = 1000;

/** Mutable counters; `statusCodes()` and `errors()` give the plain JSON view. */
export class Tally {
  #requests = 0;
  #failures = 0;
  #bytesSent = 0;
  #bytesReceived = 0;
  readonly #statuses = new Float64Array(statusSlots);
  /** Statuses seen since the last reset, so reading and resetting skip the empty slots. */
  readonly #seen: number[] = [];
  readonly #oddStatuses = new Map<number, number>();
  readonly #errors = new Map<string, number>();

  /** Counts one request. */
  count(s: Sample, failed: boolean): void {
    this.#requests++;
    if (failed) this.#failures++;
    this.#bytesSent += s.bytesSent;
    this.#bytesReceived += s.bytesReceived;
    const status = s.status;
    if (status >= 0 && status < statusSlots && Number.isInteger(status)) {
      if (this.#statuses[status]++ === 0) this.#seen.push(status);
    } else {
      this.#oddStatuses.set(status, (this.#oddStatuses.get(status) ?? 0) + 1);
    }
    if (s.error !== null) this.#errors.set(s.error, (this.#errors.get(s.error) ?? 0) + 1);
  }

  get requests(): number {
    return this.#requests;
  }

  get failures(): number {
    return this.#failures;
  }

  get bytesSent(): number {
    return this.#bytesSent;
  }

  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** Counts per status, keyed by the status as a string, in ascending order. */
  statusCodes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const status of [...this.#seen].sort((a, b) => a - b)) out[status] = this.#statuses[status];
    for (const [status, n] of this.#oddStatuses) out[String(status)] = n;
    return out;
  }

  /** Counts per error kind. */
  errors(): Record<string, number> {
    return Object.fromEntries([...this.#errors].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Adds another tally's counts to this one. */
  add(other: Tally): void {
    this.#requests += other.#requests;
    this.#failures += other.#failures;
    this.#bytesSent += other.#bytesSent;
    this.#bytesReceived += other.#bytesReceived;
    for (const status of other.#seen) {
      if (this.#statuses[status] === 0) this.#seen.push(status);
      this.#statuses[status] += other.#statuses[status];
    }
    for (const [status, n] of other.#oddStatuses)
      this.#oddStatuses.set(status, (this.#oddStatuses.get(status) ?? 0) + n);
    for (const [kind, n] of other.#errors) this.#errors.set(kind, (this.#errors.get(kind) ?? 0) + n);
  }

  /** Back to zero, keeping the memory. */
  reset(): void {
    this.#requests = this.#failures = this.#bytesSent = this.#bytesReceived = 0;
    for (const status of this.#seen) this.#statuses[status] = 0;
    this.#seen.length = 0;
    this.#oddStatuses.clear();
    this.#errors.clear();
  }
}
