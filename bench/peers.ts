/**
 * The load generators being compared: for each, the command line for a load shape and a parser
 * for what it reports. A tool that cannot produce a shape (wrk has no rate mode) says so.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The load to apply: a closed loop over N connections, a constant arrival rate, or N open
 * keep-alive connections that each send one request per second.
 */
export type Load =
  | { readonly kind: 'closed'; readonly connections: number; readonly durationS: number; readonly workers?: number }
  | { readonly kind: 'rate'; readonly rate: number; readonly connections: number; readonly durationS: number }
  | { readonly kind: 'idle'; readonly connections: number; readonly durationS: number };

/** What a tool says about its own run; times in milliseconds. */
export interface ToolResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Failed requests: socket errors, timeouts and non-2xx answers. */
  readonly errors: number;
  /** p99 of how late requests were sent against their schedule (open model), when the tool reports it. */
  readonly lagP99Ms?: number;
}

export const peerNames = ['wrk', 'autocannon', 'dlt'] as const;
export type PeerName = (typeof peerNames)[number];

/** A command line, and the files it reads that must be written first. */
export interface PeerCommand {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly files?: readonly { readonly path: string; readonly text: string }[];
}

/** How to run one tool. `command` returns undefined for a load the tool cannot apply. */
export interface Peer {
  readonly name: PeerName;
  command(load: Load, url: string, outFile: string): PeerCommand | undefined;
  /** Reads the tool's result from its stdout or, for dlt, the JSON summary file. */
  parse(stdout: string, outFileText: string | undefined): ToolResult;
}

const toMs = {
  us: (v: number) => v / 1000,
  ms: (v: number) => v,
  s: (v: number) => v * 1000,
  m: (v: number) => v * 60_000,
  h: (v: number) => v * 3_600_000,
} as const;

/** `257.00us`, `1.10ms`, `2.5s` → milliseconds. */
function wrkDurationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (m === null) throw new Error(`wrk: unreadable duration "${text}"`);
  return toMs[m[2] as keyof typeof toMs](Number(m[1]));
}

function match(text: string, re: RegExp, what: string): RegExpExecArray {
  const m = re.exec(text);
  if (m === null) throw new Error(`${what} not found in the output`);
  return m;
}

/** Parses wrk's text report (run with `--latency` for the percentiles). */
export function parseWrk(stdout: string): ToolResult {
  const requests = Number(match(stdout, /^\s*(\d+) requests in /m, 'wrk: request count')[1]);
  const rps = Number(match(stdout, /^Requests\/sec:\s+([\d.]+)/m, 'wrk: Requests/sec')[1]);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(stdout);
    return m === null ? undefined : wrkDurationMs(m[1]);
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  const errors = (socket?.slice(1).reduce((a, v) => a + Number(v), 0) ?? 0) + Number(non2xx?.[1] ?? 0);
  return { requests, rps, p50Ms: pct('50'), p99Ms: pct('99'), errors };
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not an object`);
  return v as Record<string, unknown>;
}

function num(o: Record<string, unknown>, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${what}.${key} is not a number`);
  return v;
}

function optNum(o: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Parses autocannon's `-j` JSON; its latencies are whole milliseconds. */
export function parseAutocannon(stdout: string): ToolResult {
  const r = record(JSON.parse(stdout.slice(stdout.indexOf('{'))), 'autocannon output');
  const requests = num(record(r.requests, 'requests'), 'total', 'requests');
  const latency = record(r.latency, 'latency');
  const errors = num(r, 'errors', 'autocannon') + num(r, 'timeouts', 'autocannon') + num(r, 'non2xx', 'autocannon');
  return {
    requests,
    rps: requests / num(r, 'duration', 'autocannon'),
    p50Ms: num(latency, 'p50', 'latency'),
    p99Ms: num(latency, 'p99', 'latency'),
    errors,
  };
}

/** Parses the summary dlt writes with `--out json=FILE` (see RunSummary in @dlt/model). */
export function parseDlt(summaryText: string): ToolResult {
  const s = record(JSON.parse(summaryText), 'dlt summary');
  const totals = record(s.totals, 'totals');
  const rt = record(totals.responseTime, 'totals.responseTime');
  const requests = num(totals, 'requests', 'totals');
  const rps = optNum(totals, 'rps') ?? requests / (num(s, 'durationMs', 'summary') / 1000);
  return {
    requests,
    rps,
    p50Ms: num(rt, 'p50', 'responseTime'),
    p99Ms: num(rt, 'p99', 'responseTime'),
    errors: optNum(totals, 'failures') ?? 0,
    lagP99Ms: scheduleLagP99(s.scheduleLag),
  };
}

/** The p99 of the summary's `scheduleLag` (open models only; ms). */
function scheduleLagP99(lag: unknown): number | undefined {
  if (typeof lag !== 'object' || lag === null) return undefined;
  return optNum(lag as Record<string, unknown>, 'p99');
}

const autocannonBin = join(createRequire(import.meta.url).resolve('autocannon/package.json'), '..', 'autocannon.js');

/**
 * dlt's idle load as a test file: N VUs in a closed loop, each pausing 1 s after its request,
 * so every VU keeps its own connection open and uses it once a second.
 */
export function idleTestFile(url: string, connections: number, durationS: number): string {
  return [
    'execution:',
    '  - executor: constant-vus',
    `    vus: ${connections}`,
    `    duration: ${durationS}s`,
    '    scenario: idle',
    'scenarios:',
    '  idle:',
    '    think-time: 1s',
    '    requests:',
    `      - ${url}`,
    '',
  ].join('\n');
}

/** dlt's command: quick mode (--url) for closed and rate loads, a test file for idle ones. */
function dltCommand(bin: string, load: Load, url: string, outFile: string): PeerCommand {
  // The CLI's entry run directly by Node, as autocannon is, so both skip the ./dlt shell bootstrap.
  const common = [
    '--quiet',
    '--out',
    `json=${outFile}`,
    '--workers',
    String(load.kind === 'closed' ? (load.workers ?? 1) : 1),
  ];
  const duration = ['-d', `${load.durationS}s`];
  switch (load.kind) {
    case 'closed':
      return {
        cmd: process.execPath,
        args: [bin, 'run', '--url', url, '-c', String(load.connections), ...duration, ...common],
      };
    case 'rate': {
      const rate = ['--rate', String(load.rate), '-c', String(load.connections)];
      return {
        cmd: process.execPath,
        args: [bin, 'run', '--url', url, ...rate, ...duration, ...common],
      };
    }
    case 'idle': {
      const file = `${outFile.replace(/\.json$/, '')}.yaml`;
      const text = idleTestFile(url, load.connections, load.durationS);
      return {
        cmd: process.execPath,
        args: [bin, 'run', file, ...common],
        files: [{ path: file, text }],
      };
    }
  }
}

/** autocannon's command; idle is one request per second per connection (`--overallRate N -c N`). */
function autocannonCommand(load: Load, url: string): PeerCommand {
  const args = [autocannonBin, '-c', String(load.connections), '-d', String(load.durationS), '-j'];
  if (load.kind === 'rate') args.push('--overallRate', String(load.rate));
  if (load.kind === 'idle') args.push('--overallRate', String(load.connections));
  return { cmd: process.execPath, args: [...args, url] };
}

/** Builds the peers; `root` is the repository, where dlt's CLI lives. */
export function peers(root: string, wrk = 'wrk'): Readonly<Record<PeerName, Peer>> {
  return {
    wrk: {
      name: 'wrk',
      command: (load, url) =>
        load.kind === 'closed'
          ? { cmd: wrk, args: ['-t1', `-c${load.connections}`, `-d${load.durationS}s`, '--latency', url] }
          : undefined,
      parse: (stdout) => parseWrk(stdout),
    },
    autocannon: {
      name: 'autocannon',
      command: (load, url) => autocannonCommand(load, url),
      parse: (stdout) => parseAutocannon(stdout),
    },
    dlt: {
      name: 'dlt',
      command: (load, url, outFile) => dltCommand(join(root, 'packages/cli/src/bin.ts'), load, url, outFile),
      parse: (_stdout, outFileText) => {
        if (outFileText === undefined) throw new Error('dlt wrote no summary file');
        return parseDlt(outFileText);
      },
    },
  };
}
