/**
 * A sample is one HTTP request as the engine saw it. Failed requests are samples too (with an
 * error kind), never exceptions.
 */

/** Why a request failed: no usable response, or (`assertion`) a response its script refused. */
export const ErrorKind = {
  ConnectRefused: 'connect-refused',
  Timeout: 'timeout',
  Reset: 'reset',
  Dns: 'dns',
  Tls: 'tls',
  Protocol: 'protocol',
  Aborted: 'aborted',
  /** A response came, but a script's check of it failed (JMeter assertions). */
  Assertion: 'assertion',
  Other: 'other',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];
export const errorKinds: readonly ErrorKind[] = Object.values(ErrorKind);

/** Phase durations of one request, in milliseconds (fractions allowed). */
export interface Timings {
  /** Waiting for a free connection slot (0 with one connection per VU). */
  readonly blocked: number;
  readonly dns: number;
  readonly connect: number;
  readonly tls: number;
  readonly send: number;
  /** Time to first byte after the request was sent. */
  readonly wait: number;
  readonly receive: number;
}

export const zeroTimings: Timings = Object.freeze({
  blocked: 0,
  dns: 0,
  connect: 0,
  tls: 0,
  send: 0,
  wait: 0,
  receive: 0,
});

/**
 * All instants are on one monotonic clock in milliseconds (`performance.now()` of the process
 * that made the request); `epochOffset` turns them into wall-clock time where needed.
 */
export interface Sample {
  readonly label: string;
  /** Name of the execution (k6 scenario) that produced the request. */
  readonly scenario: string;
  readonly method: string;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  readonly error: ErrorKind | null;
  readonly errorMessage?: string;
  /**
   * When the request should have started. Equal to `startedAt` in closed models; in open models
   * the scheduled arrival time, so a stalled target shows in the numbers (no coordinated omission).
   */
  readonly intendedAt: number;
  readonly startedAt: number;
  /** First byte of the response (or `endedAt` when none came). */
  readonly firstByteAt: number;
  readonly endedAt: number;
  readonly timings: Timings;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /**
   * The script's own verdict on the status, where it gives one (Locust's `response.success()`
   * and `failure()`; k6's expected statuses; JMeter's "ignore status"): true passes a 404 it
   * expected, false fails a 200 it did not. Absent, the status decides.
   */
  readonly expected?: boolean;
}

/**
 * A request failed when it got no response or an error, else when the script said so, else
 * when its status is outside 200–399 (k6's default).
 */
export function isFailure(s: Pick<Sample, 'status' | 'error' | 'expected'>): boolean {
  if (s.error !== null) return true;
  if (s.expected !== undefined) return !s.expected;
  return s.status < 200 || s.status >= 400;
}
