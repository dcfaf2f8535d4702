/**
 * The state a compiled plan runs against: the whole test's (properties, global counters, shared
 * CSV cursors), a thread group's, and one thread's (= one VU's) variables, cookies and
 * per-element counters. Templates and steps read and write these, never the XML.
 */
import type { VuContext } from '@dlt/model';
import type { CookieJar } from './cookie-jar.ts';

/** Shared by every thread of the compiled test (on this process or worker thread). */
export interface TestState {
  /** JMeter properties: `-J`/`-G` values. */
  readonly props: Map<string, string>;
  /** `__counter(FALSE)` and other test-wide counters, by key. */
  readonly counters: Map<string, number>;
  /** Per-element state shared by all threads (CSV cursors "all threads", throughput counts). */
  readonly shared: Map<unknown, unknown>;
  /** Set by a `stoptest` action: every thread stops at its next step. */
  stopped: boolean;
}

/** Shared by the threads of one thread group. */
export interface GroupState {
  readonly name: string;
  /** Threads the group runs (its VUs), for throughput timers shared by the group. */
  readonly threads: number;
  readonly shared: Map<unknown, unknown>;
  /** Threads numbered so far (JMeter's `__threadNum` is 1-based per group). */
  numbered: number;
  /** When the group's first iteration began (performance.now()), for its scheduled end. */
  startedAt: number | undefined;
}

/** The open transactions a sample is added to. */
export interface TransactionTally {
  elapsedMs: number;
  latencyMs: number;
  samples: number;
  failed: { status: number; error: string | null; message: string } | undefined;
  bytesSent: number;
  bytesReceived: number;
}

/** One thread: what a template sees and what steps change. */
export interface Thread {
  readonly vars: Map<string, string>;
  readonly threadNum: number;
  readonly group: GroupState;
  readonly test: TestState;
  /** Per-element state of this thread (CSV cursors, once-only, interleave position…). */
  readonly own: Map<unknown, unknown>;
  /** `__counter(TRUE)` of this thread. */
  counter: number;
  cookies: CookieJar | undefined;
  /** Whether the last sample succeeded (While controller's blank condition, on-sample-error). */
  lastOk: boolean;
  /** The thread has stopped (stop thread, CSV end of file): it sends nothing more. */
  stopped: boolean;
  /** Set for each iteration. */
  ctx: VuContext | undefined;
  readonly transactions: TransactionTally[];
}

/** A fresh test state. */
export function newTestState(props: Readonly<Record<string, string>>): TestState {
  return { props: new Map(Object.entries(props)), counters: new Map(), shared: new Map(), stopped: false };
}

/** A fresh group state. */
export function newGroupState(name: string, threads: number): GroupState {
  return { name, threads, shared: new Map(), numbered: 0, startedAt: undefined };
}

/** A fresh thread of `group`, numbered next. */
export function newThread(group: GroupState, test: TestState): Thread {
  return {
    vars: new Map(),
    threadNum: ++group.numbered,
    group,
    test,
    own: new Map(),
    counter: 0,
    cookies: undefined,
    lastOk: true,
    stopped: false,
    ctx: undefined,
    transactions: [],
  };
}
