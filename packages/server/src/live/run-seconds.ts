/**
 * The live seconds of one run: every task's per-second snapshot, merged exactly (histograms
 * added) per second, per region and per label, into one `LiveSecond` that subscribers get and a
 * late subscriber is sent again. Agents' clocks differ, so a snapshot's second is moved to the
 * server's clock with its task's measured offset first.
 *
 * When is a second whole? Tasks tick at about the same instant, but one may be late or away
 * (reconnecting, its seconds queued). So a second is sent once every task heard from so far has
 * reported it, or `settleMs` after its first part came, whichever is first; a part arriving
 * after that (a reconnect's backlog) merges in and the second is sent again with the same `at`.
 * A reader keeps the newest version of each second, and their sum is the run's total.
 *
 * Memory is bounded: the parts of a second are kept `rawSeconds` for such re-merges (later
 * parts only add their counters), labels are dropped from seconds older than `labelSeconds`,
 * and only the newest `maxSeconds` are kept for replay.
 */
import { mergeSnapshots } from '@dlt/metrics';
import type { Snapshot, SnapshotStats } from '@dlt/model';

/** A snapshot's figures without the histogram (the figures are read from it already). */
export type LiveStats = Omit<SnapshotStats, 'histogram'>;

/** One merged second, as the live stream carries it. */
export interface LiveSecondPart {
  readonly durationMs: number;
  readonly totals: LiveStats;
  readonly labels: Readonly<Record<string, LiveStats>>;
  readonly iterations: number;
  readonly vus: number;
  readonly vusMax: number;
}

/** The `second` event: all tasks merged, and each region. */
export interface LiveSecond extends LiveSecondPart {
  readonly runId: string;
  /** Start of the second in the server's clock, epoch ms. */
  readonly at: number;
  /** Tasks whose snapshot of this second is in it. */
  readonly tasks: number;
  readonly regions: Readonly<Record<string, LiveSecondPart>>;
}

export interface RunSecondsOptions {
  readonly settleMs: number;
  readonly rawSeconds: number;
  readonly labelSeconds: number;
  readonly maxSeconds: number;
}

export const defaultRunSecondsOptions: RunSecondsOptions = {
  settleMs: 1_500,
  rawSeconds: 120,
  labelSeconds: 60,
  maxSeconds: 3_600,
};

interface Part {
  readonly taskId: string;
  readonly region: string;
  readonly snapshot: Snapshot;
}

interface Second {
  parts: Part[] | undefined;
  readonly taskIds: Set<string>;
  sent?: LiveSecond;
  timer?: NodeJS.Timeout;
}

export class RunSeconds {
  readonly #runId: string;
  readonly #o: RunSecondsOptions;
  readonly #emit: (s: LiveSecond) => void;
  readonly #seconds = new Map<number, Second>();
  /** Tasks that have sent any second: a second is whole when all of them are in it. */
  readonly #tasks = new Set<string>();
  /** Tasks the run has, when known: a second waits for as many. */
  #expected = 0;
  /** Counters of the seconds dropped past `maxSeconds`, so totals never go down. */
  readonly #dropped = new Map<string, RunCounters>();
  #newest = 0;

  constructor(runId: string, emit: (s: LiveSecond) => void, options: Partial<RunSecondsOptions> = {}) {
    this.#runId = runId;
    this.#emit = emit;
    this.#o = { ...defaultRunSecondsOptions, ...options };
  }

  /** Says how many tasks the run has, so the first seconds wait for all of them. */
  expect(tasks: number): void {
    this.#expected = tasks;
  }

  /** Takes a task's snapshot (`offsetMs` = agent clock − server clock). */
  add(taskId: string, region: string, snapshot: Snapshot, offsetMs = 0): void {
    const at = Math.round((snapshot.at - offsetMs) / 1000) * 1000;
    this.#tasks.add(taskId);
    let second = this.#seconds.get(at);
    if (!second) {
      if (at < this.#newest - this.#o.maxSeconds * 1000) return;
      second = { parts: [], taskIds: new Set() };
      this.#seconds.set(at, second);
      this.#newest = Math.max(this.#newest, at);
      this.#trim();
    }
    if (second.taskIds.has(taskId)) return;
    second.taskIds.add(taskId);
    const part = { taskId, region, snapshot };
    if (second.parts) second.parts.push(part);
    else if (second.sent) {
      second.sent = addCounters(second.sent, part);
      this.#emit(second.sent);
      return;
    }
    if (second.sent || second.taskIds.size >= Math.max(this.#tasks.size, this.#expected)) this.#send(at, second);
    else if (!second.timer) {
      second.timer = setTimeout(() => this.#send(at, second), this.#o.settleMs);
      second.timer.unref();
    }
  }

  /** Sends every second still waiting (the run is over). */
  flush(): void {
    for (const [at, second] of this.#seconds) if (!second.sent) this.#send(at, second);
  }

  /** The newest version of every second kept, oldest first: what a late subscriber missed. */
  history(): LiveSecond[] {
    return [...this.#seconds.entries()].sort(([a], [b]) => a - b).flatMap(([, s]) => (s.sent ? [s.sent] : []));
  }

  /** Everything counted so far, per region (all seconds, those past the window included). */
  totals(): Map<string, RunCounters> {
    const out = new Map<string, RunCounters>();
    for (const [r, c] of this.#dropped) out.set(r, { ...c });
    for (const s of this.#seconds.values()) if (s.sent) countInto(out, s.sent);
    return out;
  }

  close(): void {
    for (const s of this.#seconds.values()) clearTimeout(s.timer);
  }

  #send(at: number, second: Second): void {
    clearTimeout(second.timer);
    second.timer = undefined;
    if (!second.parts || second.parts.length === 0) return;
    second.sent = mergeSecond(this.#runId, at, second.parts);
    this.#emit(second.sent);
  }

  /** Forgets parts, labels and seconds past their windows. */
  #trim(): void {
    for (const [at, s] of this.#seconds) {
      const age = (this.#newest - at) / 1000;
      if (age > this.#o.maxSeconds) {
        clearTimeout(s.timer);
        if (s.sent) countInto(this.#dropped, s.sent);
        this.#seconds.delete(at);
        continue;
      }
      if (age > this.#o.rawSeconds && s.parts) {
        if (!s.sent) this.#send(at, s);
        s.parts = undefined;
      }
      if (age > this.#o.labelSeconds && s.sent && Object.keys(s.sent.labels).length > 0) s.sent = withoutLabels(s.sent);
    }
  }
}

/** Counters that only grow, per region, for `/metrics`. */
export interface RunCounters {
  requests: number;
  failures: number;
  bytesSent: number;
  bytesReceived: number;
}

function countInto(into: Map<string, RunCounters>, s: LiveSecond): void {
  for (const [region, part] of Object.entries(s.regions)) {
    const c = into.get(region) ?? { requests: 0, failures: 0, bytesSent: 0, bytesReceived: 0 };
    c.requests += part.totals.requests;
    c.failures += part.totals.failures;
    c.bytesSent += part.totals.bytesSent;
    c.bytesReceived += part.totals.bytesReceived;
    into.set(region, c);
  }
}

/** Merges one second's parts: per region, then the regions into the total (exact either way). */
function mergeSecond(runId: string, at: number, parts: readonly Part[]): LiveSecond {
  const byRegion = Map.groupBy(parts, (p) => p.region);
  const regions: Record<string, Snapshot> = {};
  for (const [region, list] of byRegion) regions[region] = safeMerge(list.map((p) => p.snapshot));
  const total = safeMerge(Object.values(regions));
  return {
    runId,
    at,
    tasks: parts.length,
    ...lite(total),
    regions: Object.fromEntries(Object.entries(regions).map(([r, s]) => [r, lite(s)])),
  };
}

/** A merge that drops the snapshots whose histograms do not decode, rather than the second. */
function safeMerge(snaps: readonly Snapshot[]): Snapshot {
  try {
    return mergeSnapshots(snaps);
  } catch {
    const good = snaps.filter((s) => {
      try {
        mergeSnapshots([s, s]);
        return true;
      } catch {
        return false;
      }
    });
    return mergeSnapshots(good.length > 0 ? good : [emptyLike(snaps[0])]);
  }
}

function emptyLike(s: Snapshot): Snapshot {
  const stats: SnapshotStats = {
    requests: 0,
    failures: 0,
    bytesSent: 0,
    bytesReceived: 0,
    statusCodes: {},
    errors: {},
    responseTime: { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 },
    histogram: '',
  };
  return {
    at: s.at,
    durationMs: 0,
    totals: stats,
    labels: {},
    iterations: 0,
    interruptedIterations: 0,
    droppedIterations: 0,
    vus: 0,
    vusMax: 0,
  };
}

function liteStats({ histogram, ...rest }: SnapshotStats): LiveStats {
  return rest;
}

function lite(s: Snapshot): LiveSecondPart {
  return {
    durationMs: s.durationMs,
    totals: liteStats(s.totals),
    labels: Object.fromEntries(Object.entries(s.labels).map(([l, v]) => [l, liteStats(v)])),
    iterations: s.iterations,
    vus: s.vus,
    vusMax: s.vusMax,
  };
}

function withoutLabels(s: LiveSecond): LiveSecond {
  const regions = Object.fromEntries(Object.entries(s.regions).map(([r, p]) => [r, { ...p, labels: {} }]));
  return { ...s, labels: {}, regions };
}

/** A part that came too late to re-merge: its counters still count (percentiles stay as they were). */
function addCounters(s: LiveSecond, part: Part): LiveSecond {
  const add = (p: LiveSecondPart | undefined, snap: Snapshot): LiveSecondPart => {
    const base = p ?? lite(snap);
    if (!p) return base;
    return {
      ...base,
      totals: sumStats(base.totals, snap.totals),
      iterations: base.iterations + snap.iterations,
      vus: base.vus + snap.vus,
      vusMax: base.vusMax + snap.vusMax,
    };
  };
  const region = add(s.regions[part.region], part.snapshot);
  const total = add(s, part.snapshot);
  return {
    ...s,
    ...total,
    runId: s.runId,
    at: s.at,
    tasks: s.tasks + 1,
    regions: { ...s.regions, [part.region]: region },
  };
}

function sumStats(a: LiveStats, b: SnapshotStats): LiveStats {
  const sum = (x: Readonly<Record<string, number>>, y: Readonly<Record<string, number>>) => {
    const out: Record<string, number> = { ...x };
    for (const k in y) out[k] = (out[k] ?? 0) + y[k];
    return out;
  };
  return {
    ...a,
    requests: a.requests + b.requests,
    failures: a.failures + b.failures,
    bytesSent: a.bytesSent + b.bytesSent,
    bytesReceived: a.bytesReceived + b.bytesReceived,
    statusCodes: sum(a.statusCodes, b.statusCodes),
    errors: sum(a.errors, b.errors),
  };
}
