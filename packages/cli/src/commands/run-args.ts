/**
 * Parses `dlt run` arguments into a plain options object. Every problem is collected and
 * reported at once as bad input (exit 2), naming the flag.
 */
import { parseArgs } from 'node:util';
import { badInput, type Problem } from '@dlt/model';
import { parsePercent } from '../ci/regression.ts';

export interface RunArgs {
  readonly file?: string;
  readonly url?: string;
  readonly vus?: number;
  readonly duration?: string;
  readonly iterations?: number;
  readonly rate?: number;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeout?: string;
  readonly env: Readonly<Record<string, string>>;
  /** JMeter properties (`-J`/`-G name=value`), read by `${__P(name)}` in .jmx plans. */
  readonly properties: Readonly<Record<string, string>>;
  readonly outputs: readonly { readonly kind: 'json'; readonly path: string }[];
  /** `--junit PATH`: a JUnit XML report of thresholds and checks. */
  readonly junit?: string;
  /** `--baseline FILE`: a summary written by an earlier `--out json=…`, to compare with. */
  readonly baseline?: string;
  /** `--fail-on-regression PCT` (needs --baseline here). */
  readonly failOnRegression?: number;
  readonly quiet: boolean;
  readonly workers?: number;
  readonly maxDuration?: string;
  readonly thresholds: boolean;
  readonly insecure: boolean;
  readonly help: boolean;
}

export const runUsage = `Usage: dlt run [FILE] [options]

Runs a load test on this machine and prints a summary.
FILE is a test definition (.yaml, .yml, .json), a JMeter plan (.jmx, .zip), a k6 script (.js)
or a locustfile (.py: run by a real Locust, with -c users for -d, against --url).
Without FILE, --url runs a quick test.

Load (with FILE they override the file's executions, as k6's flags do):
  -u, --url URL           quick mode: the URL to load (http or https)
  -c, --vus N             virtual users (connections); alias --connections
  -d, --duration D        how long, e.g. 30s, 1m30s
  -i, --iterations N      total iterations shared by the VUs
  -r, --rate N            quick mode: open model, N requests per second (constant arrival rate)
  -m, --method M          quick mode: HTTP method (default GET)
  -H, --header 'K: V'     quick mode: a request header (repeatable)
  -b, --body TEXT         quick mode: request body
      --timeout D         quick mode: request timeout (default 60s)
      --insecure          quick mode: do not verify TLS certificates

Run:
  -e, --env K=V           a variable for \${K} in the file (repeatable; the process environment is used too)
  -J, --property K=V      a JMeter property for \${__P(K)} in a .jmx plan (repeatable; also -JK=V)
  -G, --global-property K=V  the same (JMeter's remote-engine form)
  -o, --out json=PATH     write the summary as JSON (repeatable)
      --junit PATH        write a JUnit XML report: a test case per threshold and per check
      --baseline FILE     a summary from an earlier --out json=… to compare with
      --fail-on-regression PCT
                          exit 99 when p95 or the error rate is worse than --baseline's by > PCT %
  -w, --workers N         worker threads (default 1)
      --max-duration D    hard cap on the whole run (default 4h); the run stops there
      --no-thresholds     do not evaluate thresholds
  -q, --quiet             no live progress line
  -h, --help              this help

Exit codes: 0 passed, 99 a threshold was crossed, 2 bad input, 1 anything else.
Examples:
  dlt run examples/quickstart.yaml
  dlt run --url http://127.0.0.1:8080/ -c 50 -d 10s
  dlt run api.yaml --out json=summary.json --vus 20 --duration 30s -e HOST=127.0.0.1
`;

function positiveInt(flag: string, v: string | undefined, problems: Problem[], allowZero = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    problems.push({ field: flag, message: `"${v}" is not a ${allowZero ? 'non-negative' : 'positive'} whole number` });
    return undefined;
  }
  return n;
}

function positiveNumber(flag: string, v: string | undefined, problems: Problem[]): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    problems.push({ field: flag, message: `"${v}" is not a positive number` });
    return undefined;
  }
  return n;
}

function pairs(flag: string, list: readonly string[], sep: string, problems: Problem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf(sep);
    const key = i > 0 ? item.slice(0, i).trim() : '';
    if (!key) {
      problems.push({ field: flag, message: `"${item}" is not of the form NAME${sep === '=' ? '=' : ': '}VALUE` });
      continue;
    }
    out[key] = item.slice(i + 1).trim();
  }
  return out;
}

function outputs(list: readonly string[], problems: Problem[]): RunArgs['outputs'] {
  const out: { kind: 'json'; path: string }[] = [];
  for (const item of list) {
    const m = /^(json)=(.+)$/.exec(item);
    if (m) out.push({ kind: 'json', path: m[2] });
    else problems.push({ field: '--out', message: `"${item}" is not a known output`, hint: 'use json=PATH' });
  }
  return out;
}

function percent(text: string | undefined, problems: Problem[]): number | undefined {
  if (text === undefined) return undefined;
  const n = parsePercent(text);
  if (n === undefined) {
    problems.push({ field: '--fail-on-regression', message: `"${text}" is not a percentage (a number ≥ 0, e.g. 10)` });
  }
  return n;
}

/** Parses the arguments after `run`; throws a bad-input DltError listing every problem. */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw badInput([{ message: (e as Error).message, hint: 'see dlt run --help' }], 'bad arguments');
  }
  const v = parsed.values;
  const problems: Problem[] = [];
  if (parsed.positionals.length > 1) {
    problems.push({
      message: `expected one test file, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`,
    });
  }
  const file = parsed.positionals[0];
  const args: RunArgs = {
    file,
    url: v.url,
    vus: positiveInt('--vus', v.vus ?? v.connections, problems),
    duration: v.duration,
    iterations: positiveInt('--iterations', v.iterations, problems),
    rate: positiveNumber('--rate', v.rate, problems),
    method: (v.method ?? 'GET').toUpperCase(),
    headers: pairs('--header', v.header ?? [], ':', problems),
    body: v.body,
    timeout: v.timeout,
    env: pairs('--env', v.env ?? [], '=', problems),
    properties: pairs('--property', [...(v.property ?? []), ...(v['global-property'] ?? [])], '=', problems),
    outputs: outputs(v.out ?? [], problems),
    junit: v.junit,
    baseline: v.baseline,
    failOnRegression: percent(v['fail-on-regression'], problems),
    quiet: v.quiet ?? false,
    workers: positiveInt('--workers', v.workers, problems),
    maxDuration: v['max-duration'],
    thresholds: !(v['no-thresholds'] ?? false),
    insecure: v.insecure ?? false,
    help: v.help ?? false,
  };
  if (!args.help) {
    if (!file && !args.url) problems.push({ message: 'give a test file or --url', hint: 'see dlt run --help' });
    // A locustfile's target may come from --url (Locust's --host); other files name their URLs.
    if (file && args.url && !/\.py$/i.test(file))
      problems.push({ field: '--url', message: 'use either a test file or --url, not both (except for a locustfile)' });
    if (file && args.rate !== undefined) problems.push({ field: '--rate', message: 'only for quick mode (--url)' });
    if (v['fail-on-regression'] !== undefined && !args.baseline) {
      problems.push({ field: '--fail-on-regression', message: 'needs --baseline FILE (a summary of an earlier run)' });
    }
    if (args.junit === '') problems.push({ field: '--junit', message: 'needs a file path' });
  }
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  return args;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string', short: 'u' },
      vus: { type: 'string', short: 'c' },
      connections: { type: 'string' },
      duration: { type: 'string', short: 'd' },
      iterations: { type: 'string', short: 'i' },
      rate: { type: 'string', short: 'r' },
      method: { type: 'string', short: 'm' },
      header: { type: 'string', short: 'H', multiple: true },
      body: { type: 'string', short: 'b' },
      timeout: { type: 'string' },
      env: { type: 'string', short: 'e', multiple: true },
      property: { type: 'string', short: 'J', multiple: true },
      'global-property': { type: 'string', short: 'G', multiple: true },
      out: { type: 'string', short: 'o', multiple: true },
      junit: { type: 'string' },
      baseline: { type: 'string' },
      'fail-on-regression': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      workers: { type: 'string', short: 'w' },
      'max-duration': { type: 'string' },
      'no-thresholds': { type: 'boolean' },
      insecure: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
