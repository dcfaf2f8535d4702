/**
 * A snapshot is one second of a task's measurements, sent live from agents to the server and
 * kept as the result's timeline. It is plain JSON: it crosses worker threads, processes and the
 * network, and snapshots of the same second from many agents merge exactly.
 */

/**
 * An HDR histogram of integer microseconds (1 µs to 1 h, 3 significant digits) in HdrHistogram's
 * standard V2 encoding, base64: deflated (the V2 compressed form) when larger than 1 KiB, plain
 * below, where deflating costs more time than it saves bytes. `''` is the empty histogram.
 */
export type EncodedHistogram = string;

/** Response-time figures of one second, in milliseconds (0 when nothing was measured). */
export interface SnapshotTimes {
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** What one label (or all of them) did during one second. */
export interface SnapshotStats {
  readonly requests: number;
  readonly failures: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Keyed by HTTP status as a string; `"0"` counts requests that got no response. */
  readonly statusCodes: Readonly<Record<string, number>>;
  /** Keyed by error kind (`ErrorKind`). */
  readonly errors: Readonly<Record<string, number>>;
  /** Figures read from `histogram`, so a reader needs no decoder. */
  readonly responseTime: SnapshotTimes;
  /** This second's response times (end − intended start): what merges exactly. */
  readonly histogram: EncodedHistogram;
}

/** One second of one task, or of many tasks merged. */
export interface Snapshot {
  /** Start of the second, epoch milliseconds, a multiple of 1000. */
  readonly at: number;
  /** How long the window really was (about 1000 ms; longer when a tick came late). */
  readonly durationMs: number;
  readonly totals: SnapshotStats;
  /** Only the labels that completed requests during this second. */
  readonly labels: Readonly<Record<string, SnapshotStats>>;
  /** Iterations completed during the second. */
  readonly iterations: number;
  readonly interruptedIterations: number;
  /** Open-model iterations that could not start for want of a free VU. */
  readonly droppedIterations: number;
  /** Active VUs at the end of the second (summed over merged tasks). */
  readonly vus: number;
  /** Most VUs active at once during the second (summed over merged tasks). */
  readonly vusMax: number;
}
