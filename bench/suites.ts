/**
 * The benchmark suites as data: which tool runs which load on which CPUs. Within a suite the
 * cases are run interleaved (A B C A B C …), so drift on the machine hits every tool alike.
 */
import type { Load, PeerName } from './peers.ts';

export const suiteNames = ['closed', 'rate', 'idle', 'workers'] as const;
export type SuiteName = (typeof suiteNames)[number];

/** The role a case plays in the suite's derived numbers. */
export type CaseRole =
  /** The headline run of a tool. */
  | 'main'
  /** The same load, shorter: (cpu_long − cpu_short)/(req_long − req_short) is the steady-state cost. */
  | 'short'
  /** Few idle connections: the baseline for memory per connection. */
  | 'few'
  /** Many idle connections. */
  | 'many'
  /** dlt with more worker threads than the main case. */
  | 'scaled';

/** One tool under one load. */
export interface BenchCase {
  readonly id: string;
  readonly suite: SuiteName;
  readonly tool: PeerName;
  readonly role: CaseRole;
  readonly load: Load;
  /** taskset CPU list for the generator; nginx has CPU 1. */
  readonly cpus: string;
  /** Count the established connections while it runs (the idle suite). */
  readonly countConnections: boolean;
}

export interface Suite {
  readonly name: SuiteName;
  readonly title: string;
  /** Printed under the suite's table: what to keep in mind when reading it. */
  readonly note: string;
  readonly cases: readonly BenchCase[];
}

/** Lengths of runs: the full method, or a smoke check. */
export interface SuiteOptions {
  readonly durationS: number;
  readonly shortS: number;
}

export const fullRuns: SuiteOptions = { durationS: 10, shortS: 3 };
export const quickRuns: SuiteOptions = { durationS: 3, shortS: 1 };

/** Connection counts of the idle suite: memory per connection is the slope between them. */
export const idleConnections = { few: 2000, many: 10_000 } as const;

function mk(suite: SuiteName, tool: PeerName, role: CaseRole, id: string, load: Load, cpus = '0'): BenchCase {
  return { id, suite, tool, role, load, cpus, countConnections: suite === 'idle' };
}

/** Every suite for the given run lengths. */
export function suites(o: SuiteOptions): Readonly<Record<SuiteName, Suite>> {
  const closed = (durationS: number): Extract<Load, { kind: 'closed' }> => ({
    kind: 'closed',
    connections: 50,
    durationS,
  });
  const rate = (durationS: number): Load => ({ kind: 'rate', rate: 2000, connections: 50, durationS });
  const idle = (n: number): Load => ({ kind: 'idle', connections: n, durationS: o.durationS });
  const tools = ['wrk', 'autocannon', 'dlt'] as const;
  return {
    closed: {
      name: 'closed',
      title: `Closed model: 50 connections, ${o.durationS} s (and ${o.shortS} s for the marginal cost)`,
      note: 'Generator on CPU 0, nginx on CPU 1. cpu/10k = user+sys of the whole generator process per 10,000 requests.',
      cases: tools.flatMap((t) => [
        mk('closed', t, 'main', t, closed(o.durationS)),
        mk('closed', t, 'short', `${t} ${o.shortS}s`, closed(o.shortS)),
      ]),
    },
    rate: {
      name: 'rate',
      title: `Open model: 2,000 requests/s over 50 connections, ${o.durationS} s (and ${o.shortS} s for the steady-state CPU)`,
      note: 'wrk has no rate mode. autocannon --overallRate resets a per-connection budget each second (bursty).',
      cases: (['autocannon', 'dlt'] as const).flatMap((t) => [
        mk('rate', t, 'main', t, rate(o.durationS)),
        mk('rate', t, 'short', `${t} ${o.shortS}s`, rate(o.shortS)),
      ]),
    },
    idle: {
      name: 'idle',
      title: `Idle keep-alive connections: 1 request/s on each of ${idleConnections.few} and ${idleConnections.many}`,
      note: 'KB/conn = (peak RSS at many − at few) / (peak connections at many − at few); connections counted from /proc/net/tcp.',
      cases: (['autocannon', 'dlt'] as const).flatMap((t) => [
        mk('idle', t, 'few', `${t} ${idleConnections.few}`, idle(idleConnections.few)),
        mk('idle', t, 'many', `${t} ${idleConnections.many}`, idle(idleConnections.many)),
      ]),
    },
    workers: {
      name: 'workers',
      title: `dlt --workers 1 vs --workers 2: closed, 50 connections, ${o.durationS} s`,
      note: 'With 2 workers dlt runs on CPUs 0,1 and so shares nginx’s core: the target is no longer isolated.',
      cases: [
        mk('workers', 'dlt', 'main', 'dlt workers=1', { ...closed(o.durationS), workers: 1 }),
        mk('workers', 'dlt', 'scaled', 'dlt workers=2', { ...closed(o.durationS), workers: 2 }, '0,1'),
      ],
    },
  };
}
