/** The peers' output parsers, on output captured from wrk 4.1.0, autocannon 9.0.0 and a dlt summary. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idleTestFile, type Load, parseAutocannon, parseDlt, parseWrk, peers, type ToolResult } from './peers.ts';

const wrkOk = `Running 3s test @ http://127.0.0.1:18089/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   316.87us  319.33us  10.90ms   98.34%
    Req/Sec   105.02k     8.72k  131.34k    74.19%
  Latency Distribution
     50%  257.00us
     75%  380.00us
     90%  440.00us
     99%    1.10ms
  323567 requests in 3.10s, 46.29MB read
Requests/sec: 104296.04
Transfer/sec:     14.92MB
`;

const wrkNon2xx = `Running 1s test @ http://127.0.0.1:18111/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   331.69us    1.24ms  16.52ms   95.17%
    Req/Sec    27.04k     9.72k   37.75k    80.00%
  Latency Distribution
     50%   58.00us
     75%   89.00us
     90%  393.00us
     99%    6.50ms
  26848 requests in 1.00s, 3.64MB read
  Non-2xx or 3xx responses: 26848
Requests/sec:  26834.88
Transfer/sec:      3.63MB
`;

const wrkSocketErrors = `Running 1s test @ http://127.0.0.1:18112/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   276.88us  719.97us   9.62ms   95.21%
    Req/Sec     7.87k     1.62k    9.60k    80.00%
  Latency Distribution
     50%  102.00us
     75%  193.00us
     90%  376.00us
     99%    3.86ms
  7868 requests in 1.00s, 0.93MB read
  Socket errors: connect 0, read 3934, write 0, timeout 0
Requests/sec:   7839.19
Transfer/sec:      0.93MB
`;

const wrkNoLatency = `Running 1s test @ http://127.0.0.1:18089/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    58.00us   10.00us   1.00ms   90.00%
    Req/Sec    27.04k     9.72k   37.75k    80.00%
  26848 requests in 1.00s, 3.64MB read
Requests/sec:  26834.88
Transfer/sec:      3.63MB
`;

const acOk =
  '{"url":"http://127.0.0.1:18089/","connections":50,"sampleInt":1000,"pipelining":1,"workers":0,"duration":3.03,' +
  '"samples":3,"errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":174529,"3xx":0,"4xx":0,' +
  '"5xx":0,"statusCodeStats":{"200":{"count":174529}},"latency":{"average":0.26,"mean":0.26,"stddev":1,"min":1,' +
  '"max":43,"p50":0,"p75":0,"p90":1,"p97_5":1,"p99":2,"p99_9":12,"totalCount":174529},"requests":{"average":58181.34,' +
  '"mean":58181.34,"stddev":7048.45,"min":48666,"max":65474,"total":174529,"p50":60415,"sent":174579}}';

const acNon2xx =
  '{"url":"http://127.0.0.1:18111/","connections":2,"duration":1.01,"errors":0,"timeouts":0,"mismatches":0,' +
  '"non2xx":23918,"resets":0,"2xx":0,"5xx":23918,"latency":{"average":0.01,"p50":0,"p99":0},' +
  '"requests":{"average":23912,"total":23918,"sent":23920}}';

const acRefused =
  '{"url":"http://127.0.0.1:1/","connections":2,"duration":1.01,"errors":13698,"timeouts":0,"non2xx":0,' +
  '"latency":{"p50":0,"p99":0,"totalCount":0},"requests":{"total":0,"sent":13700}}';

const dltSummary = JSON.stringify({
  durationMs: 10_012,
  totals: { requests: 700_000, failures: 3, rps: 69_916.1, responseTime: { p50: 0.61, p99: 2.4 } },
  scheduleLag: { min: 0, mean: 0.02, p50: 0.01, p90: 0.2, p95: 0.3, p99: 0.35, max: 0.9 },
});

const dltNoRps = JSON.stringify({
  durationMs: 2000,
  totals: { requests: 4000, responseTime: { p50: 0.5, p99: 1 } },
});

const cases: readonly { name: string; parse: () => ToolResult; want: ToolResult }[] = [
  {
    name: 'wrk: a clean run, µs and ms percentiles',
    parse: () => parseWrk(wrkOk),
    want: { requests: 323567, rps: 104296.04, p50Ms: 0.257, p99Ms: 1.1, errors: 0 },
  },
  {
    name: 'wrk: non-2xx answers count as errors',
    parse: () => parseWrk(wrkNon2xx),
    want: { requests: 26848, rps: 26834.88, p50Ms: 0.058, p99Ms: 6.5, errors: 26848 },
  },
  {
    name: 'wrk: socket errors are summed',
    parse: () => parseWrk(wrkSocketErrors),
    want: { requests: 7868, rps: 7839.19, p50Ms: 0.102, p99Ms: 3.86, errors: 3934 },
  },
  {
    name: 'wrk: without --latency there are no percentiles',
    parse: () => parseWrk(wrkNoLatency),
    want: { requests: 26848, rps: 26834.88, p50Ms: undefined, p99Ms: undefined, errors: 0 },
  },
  {
    name: 'autocannon: rps is the total over its measured duration',
    parse: () => parseAutocannon(acOk),
    want: { requests: 174529, rps: 174529 / 3.03, p50Ms: 0, p99Ms: 2, errors: 0 },
  },
  {
    name: 'autocannon: non-2xx answers count as errors',
    parse: () => parseAutocannon(acNon2xx),
    want: { requests: 23918, rps: 23918 / 1.01, p50Ms: 0, p99Ms: 0, errors: 23918 },
  },
  {
    name: 'autocannon: connection errors, nothing completed',
    parse: () => parseAutocannon(`some warning\n${acRefused}`),
    want: { requests: 0, rps: 0, p50Ms: 0, p99Ms: 0, errors: 13698 },
  },
  {
    name: 'dlt: totals and the schedule lag',
    parse: () => parseDlt(dltSummary),
    want: { requests: 700_000, rps: 69_916.1, p50Ms: 0.61, p99Ms: 2.4, errors: 3, lagP99Ms: 0.35 },
  },
  {
    name: 'dlt: rps from the duration when missing, no schedule',
    parse: () => parseDlt(dltNoRps),
    want: { requests: 4000, rps: 2000, p50Ms: 0.5, p99Ms: 1, errors: 0, lagP99Ms: undefined },
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(c.parse(), c.want);
  });
}

const bad: readonly { name: string; parse: () => unknown; error: RegExp }[] = [
  { name: 'wrk: a refused connection prints no report', parse: () => parseWrk('unable to connect'), error: /wrk/ },
  { name: 'wrk: an unknown unit', parse: () => parseWrk(wrkOk.replace('257.00us', '257.00xs')), error: /257.00xs/ },
  { name: 'autocannon: no JSON', parse: () => parseAutocannon('Running 10s test'), error: SyntaxError as never },
  {
    name: 'autocannon: JSON without requests',
    parse: () => parseAutocannon('{"duration":1,"latency":{}}'),
    error: /requests is not an object/,
  },
  { name: 'dlt: summary without totals', parse: () => parseDlt('{"durationMs":1}'), error: /totals is not an object/ },
  {
    name: 'dlt: responseTime without p99',
    parse: () => parseDlt('{"durationMs":1,"totals":{"requests":1,"responseTime":{"p50":1}}}'),
    error: /responseTime.p99 is not a number/,
  },
];

for (const c of bad) {
  test(`rejects ${c.name}`, () => {
    assert.throws(c.parse, c.error);
  });
}

const closed: Load = { kind: 'closed', connections: 50, durationS: 10 };
const rate: Load = { kind: 'rate', rate: 2000, connections: 50, durationS: 10 };
const idle: Load = { kind: 'idle', connections: 2000, durationS: 10 };
const url = 'http://127.0.0.1:8089/';
const p = peers('/repo');
const dltCommon = ['--quiet', '--out', 'json=/tmp/s.json', '--workers'];

const commands: readonly [string, () => unknown, unknown][] = [
  ['wrk closed', () => p.wrk.command(closed, url, 'x')?.args, ['-t1', '-c50', '-d10s', '--latency', url]],
  ['wrk has no rate mode', () => p.wrk.command(rate, url, 'x'), undefined],
  ['wrk has no idle mode', () => p.wrk.command(idle, url, 'x'), undefined],
  [
    'autocannon closed',
    () => p.autocannon.command(closed, url, 'x')?.args.slice(1),
    ['-c', '50', '-d', '10', '-j', url],
  ],
  [
    'autocannon rate',
    () => p.autocannon.command(rate, url, 'x')?.args.slice(1),
    ['-c', '50', '-d', '10', '-j', '--overallRate', '2000', url],
  ],
  [
    'autocannon idle: one request per second per connection',
    () => p.autocannon.command(idle, url, 'x')?.args.slice(1),
    ['-c', '2000', '-d', '10', '-j', '--overallRate', '2000', url],
  ],
  [
    'dlt closed with 2 workers',
    () => p.dlt.command({ ...closed, workers: 2 }, url, '/tmp/s.json')?.args,
    ['/repo/packages/cli/src/bin.ts', 'run', '--url', url, '-c', '50', '-d', '10s', ...dltCommon, '2'],
  ],
  [
    'dlt rate',
    () => p.dlt.command(rate, url, '/tmp/s.json')?.args,
    [
      '/repo/packages/cli/src/bin.ts',
      'run',
      '--url',
      url,
      '--rate',
      '2000',
      '-c',
      '50',
      '-d',
      '10s',
      ...dltCommon,
      '1',
    ],
  ],
  [
    'dlt idle runs a test file it brings along',
    () => p.dlt.command(idle, url, '/tmp/s.json'),
    {
      cmd: process.execPath,
      args: ['/repo/packages/cli/src/bin.ts', 'run', '/tmp/s.yaml', ...dltCommon, '1'],
      files: [{ path: '/tmp/s.yaml', text: idleTestFile(url, 2000, 10) }],
    },
  ],
];

for (const [name, got, want] of commands) {
  test(`command line: ${name}`, () => {
    assert.deepEqual(got(), want);
  });
}

test('idleTestFile: N VUs, each pausing 1 s after its request', () => {
  const text = idleTestFile(url, 10_000, 3);
  for (const want of ['executor: constant-vus', 'vus: 10000', 'duration: 3s', 'think-time: 1s', `- ${url}`]) {
    assert.ok(text.includes(want), want);
  }
});

test('dlt without a summary file is an error', () => {
  assert.throws(() => p.dlt.parse('', undefined), /no summary file/);
});
