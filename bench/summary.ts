/**
 * Turns the runs into numbers worth printing: medians (with min–max) per case, the derived costs
 * (marginal CPU per request, memory per connection) and dlt's ratios to wrk and autocannon.
 */
import type { ProcessCost } from './measure.ts';
import type { PeerName, ToolResult } from './peers.ts';
import type { BenchCase, CaseRole, SuiteName } from './suites.ts';

/** One run of one case: what the tool said and what it cost, or why there is nothing. */
export type RunRecord =
  | {
      readonly ok: true;
      readonly suite: SuiteName;
      readonly caseId: string;
      readonly rep: number;
      readonly result: ToolResult;
      readonly cost: ProcessCost;
      /** CPU seconds the nginx worker used during the run. */
      readonly targetCpuS: number;
      /** CPU seconds used on the machine by anything but the generator and nginx during the run. */
      readonly otherCpuS: number;
      readonly peakConnections?: number;
    }
  | {
      readonly ok: false;
      readonly suite: SuiteName;
      readonly caseId: string;
      readonly rep: number;
      readonly error: string;
    };

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Medians over the successful runs of one case (the rps also as min–max). */
export interface CaseSummary {
  readonly id: string;
  readonly suite: SuiteName;
  readonly tool: PeerName;
  readonly role: CaseRole;
  /** The planned length of each run, s. */
  readonly durationS: number;
  readonly runs: number;
  readonly failed: number;
  /** The first failure's reason. */
  readonly error?: string;
  readonly rps?: Spread;
  readonly requests?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly cpuS?: number;
  readonly userS?: number;
  readonly sysS?: number;
  readonly cpuPer10k?: number;
  readonly rssKb?: number;
  readonly targetCpuS?: number;
  readonly otherCpuS?: number;
  readonly wallS?: number;
  readonly errors?: number;
  readonly lagP99Ms?: number;
  readonly peakConnections?: number;
}

/** The middle value (mean of the middle two for an even count); undefined for none. */
export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function medianOf<T>(xs: readonly T[], pick: (x: T) => number | undefined): number | undefined {
  return median(xs.map(pick).filter((v): v is number => v !== undefined));
}

/** Summarises the runs of one case. */
export function summarizeCase(c: BenchCase, records: readonly RunRecord[]): CaseSummary {
  const mine = records.filter((r) => r.suite === c.suite && r.caseId === c.id);
  const ok = mine.flatMap((r) => (r.ok ? [r] : []));
  const firstError = mine.find((r) => !r.ok);
  const base = {
    id: c.id,
    suite: c.suite,
    tool: c.tool,
    role: c.role,
    durationS: c.load.durationS,
    runs: ok.length,
    failed: mine.length - ok.length,
    error: firstError !== undefined && !firstError.ok ? firstError.error : undefined,
  };
  if (ok.length === 0) return base;
  const rps = ok.map((r) => r.result.rps);
  const cpu = (r: (typeof ok)[number]) => r.cost.userS + r.cost.sysS;
  return {
    ...base,
    rps: { median: median(rps)!, min: Math.min(...rps), max: Math.max(...rps) },
    requests: medianOf(ok, (r) => r.result.requests),
    p50Ms: medianOf(ok, (r) => r.result.p50Ms),
    p99Ms: medianOf(ok, (r) => r.result.p99Ms),
    cpuS: medianOf(ok, cpu),
    userS: medianOf(ok, (r) => r.cost.userS),
    sysS: medianOf(ok, (r) => r.cost.sysS),
    cpuPer10k: medianOf(ok, (r) => (cpu(r) / r.result.requests) * 10_000),
    rssKb: medianOf(ok, (r) => r.cost.maxRssKb),
    targetCpuS: medianOf(ok, (r) => r.targetCpuS),
    otherCpuS: medianOf(ok, (r) => r.otherCpuS),
    wallS: medianOf(ok, (r) => r.cost.wallS),
    errors: medianOf(ok, (r) => r.result.errors),
    lagP99Ms: medianOf(ok, (r) => r.result.lagP99Ms),
    peakConnections: medianOf(ok, (r) => r.peakConnections),
  };
}

/** One metric across tools, with dlt's ratios to the peers (value_dlt / value_peer). */
export interface ComparisonRow {
  readonly suite: SuiteName;
  readonly metric: string;
  readonly better: 'higher' | 'lower';
  readonly values: Partial<Record<PeerName, number>>;
  /** Why a tool of the suite has no value (its first failure). */
  readonly missing: Partial<Record<PeerName, string>>;
  readonly dltOverWrk?: number;
  readonly dltOverAutocannon?: number;
}

type Pick = (s: readonly CaseSummary[], tool: PeerName) => number | undefined;

const main = (s: readonly CaseSummary[], tool: PeerName, role: CaseRole = 'main') =>
  s.find((c) => c.tool === tool && c.role === role && c.runs > 0);

const ofMain =
  (f: (c: CaseSummary) => number | undefined): Pick =>
  (s, tool) => {
    const c = main(s, tool);
    return c === undefined ? undefined : f(c);
  };

/** (cpu_long − cpu_short) / (req_long − req_short): the cost per request with start-up and exit removed. */
const marginalPer10k: Pick = (s, tool) => {
  const long = main(s, tool);
  const short = main(s, tool, 'short');
  if (long?.cpuS === undefined || short?.cpuS === undefined) return undefined;
  const dReq = (long.requests ?? 0) - (short.requests ?? 0);
  return dReq > 0 ? ((long.cpuS - short.cpuS) / dReq) * 10_000 : undefined;
};

/**
 * (cpu_long − cpu_short) / (duration_long − duration_short), as % of one core: what holding
 * the load costs in steady state, with start-up and exit removed.
 */
const steadyCorePct: Pick = (s, tool) => {
  const long = main(s, tool);
  const short = main(s, tool, 'short');
  if (long?.cpuS === undefined || short?.cpuS === undefined) return undefined;
  const dS = long.durationS - short.durationS;
  return dS > 0 ? (100 * (long.cpuS - short.cpuS)) / dS : undefined;
};

/** A dlt figure with 2 workers over the same with 1. */
const workersRatio =
  (f: (c: CaseSummary) => number | undefined): Pick =>
  (s, tool) => {
    const one = main(s, tool);
    const two = main(s, tool, 'scaled');
    const a = one === undefined ? undefined : f(one);
    const b = two === undefined ? undefined : f(two);
    return a === undefined || b === undefined || a === 0 ? undefined : b / a;
  };

/** Extra RSS per extra open connection, between the few- and many-connection runs. */
const kbPerConnection: Pick = (s, tool) => {
  const few = main(s, tool, 'few');
  const many = main(s, tool, 'many');
  if (few?.rssKb === undefined || many?.rssKb === undefined) return undefined;
  const dConn = (many.peakConnections ?? 0) - (few.peakConnections ?? 0);
  return dConn > 0 ? (many.rssKb - few.rssKb) / dConn : undefined;
};

const ofRole =
  (role: CaseRole, f: (c: CaseSummary) => number | undefined): Pick =>
  (s, tool) => {
    const c = main(s, tool, role);
    return c === undefined ? undefined : f(c);
  };

const metrics: Readonly<Record<SuiteName, readonly [string, 'higher' | 'lower', Pick][]>> = {
  closed: [
    ['req/s', 'higher', ofMain((c) => c.rps?.median)],
    ['cpu-s per 10k req', 'lower', ofMain((c) => c.cpuPer10k)],
    ['cpu-s per 10k req, marginal', 'lower', marginalPer10k],
    ['p99 ms', 'lower', ofMain((c) => c.p99Ms)],
    ['peak RSS MB', 'lower', ofMain((c) => (c.rssKb === undefined ? undefined : c.rssKb / 1024))],
  ],
  rate: [
    ['achieved req/s (of 2000)', 'higher', ofMain((c) => c.rps?.median)],
    ['generator cpu-s', 'lower', ofMain((c) => c.cpuS)],
    ['% of a core, steady (marginal)', 'lower', steadyCorePct],
    ['p99 ms', 'lower', ofMain((c) => c.p99Ms)],
    ['schedule lag p99 ms', 'lower', ofMain((c) => c.lagP99Ms)],
  ],
  idle: [
    ['KB per connection', 'lower', kbPerConnection],
    ['peak RSS MB, many', 'lower', ofRole('many', (c) => (c.rssKb === undefined ? undefined : c.rssKb / 1024))],
    ['peak connections, many', 'higher', ofRole('many', (c) => c.peakConnections)],
  ],
  workers: [
    ['req/s, workers=2 ÷ workers=1', 'higher', workersRatio((c) => c.rps?.median)],
    // With 2 workers the second shares nginx's core, so req/s cannot double here; a cost per
    // request that stays put says a second core of its own would add about as much as the first.
    ['cpu-s per 10k req, workers=2 ÷ workers=1', 'lower', workersRatio((c) => c.cpuPer10k)],
  ],
};

/** The comparison rows of one suite, from its case summaries. */
export function compare(suite: SuiteName, summaries: readonly CaseSummary[]): ComparisonRow[] {
  const s = summaries.filter((c) => c.suite === suite);
  const tools = [...new Set(s.map((c) => c.tool))];
  return metrics[suite].map(([metric, better, pick]) => {
    const values: Partial<Record<PeerName, number>> = {};
    const missing: Partial<Record<PeerName, string>> = {};
    for (const t of tools) {
      const v = pick(s, t);
      if (v !== undefined) values[t] = v;
      else {
        const failed = s.find((c) => c.tool === t && c.error !== undefined);
        if (failed?.error !== undefined) missing[t] = failed.error;
      }
    }
    const ratio = (peer: PeerName) =>
      values.dlt !== undefined && values[peer] !== undefined && values[peer] !== 0
        ? values.dlt / values[peer]
        : undefined;
    return { suite, metric, better, values, missing, dltOverWrk: ratio('wrk'), dltOverAutocannon: ratio('autocannon') };
  });
}
