/** One case end to end: autocannon against a real loopback server, and tools that fail in each way. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { procCpuSeconds } from './measure.ts';
import type { NginxTarget } from './nginx.ts';
import { type Peer, peers } from './peers.ts';
import { firstLine, type RunContext, runCase } from './run-case.ts';
import type { BenchCase } from './suites.ts';

test('firstLine: the line naming the error, else the first non-blank one', () => {
  const cases: [string, string[], string][] = [
    ['node crash', ['file:///x.ts:4\n  at y\nError [ERR_X]: no module\n'], 'Error [ERR_X]: no module'],
    ['plain message', ['\n\nunable to connect to 127.0.0.1:1\n'], 'unable to connect to 127.0.0.1:1'],
    ['stdout when stderr is empty', ['', 'usage: x'], 'usage: x'],
    ['nothing at all', ['', ''], 'no output'],
  ];
  for (const [name, texts, want] of cases) assert.equal(firstLine(...texts), want, name);
});

/** A real target in this process: a Node server standing in for nginx (same shape, own CPU). */
async function nodeTarget(t: { after(fn: () => Promise<void>): void }): Promise<RunContext> {
  const server = createServer((_req, res) => res.end('ok\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const scratchDir = await mkdtemp(join(tmpdir(), 'dlt-bench-'));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(scratchDir, { recursive: true, force: true });
  });
  const target: NginxTarget = {
    url: `http://127.0.0.1:${port}/`,
    port,
    workerPid: process.pid,
    workerCpuSeconds: () => procCpuSeconds(process.pid),
    stop: async () => undefined,
  };
  return { target, scratchDir };
}

const closed1s: BenchCase = {
  id: 'autocannon',
  suite: 'closed',
  tool: 'autocannon',
  role: 'main',
  load: { kind: 'closed', connections: 2, durationS: 1 },
  cpus: '0',
  countConnections: true,
};

test('runCase: autocannon for 1 s, with its cost, the target CPU and the open connections', async (t) => {
  const ctx = await nodeTarget(t);
  const r = await runCase(closed1s, peers('/nowhere').autocannon, 1, ctx);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.ok(r.result.requests > 0);
  assert.equal(r.result.errors, 0);
  assert.ok(r.cost.maxRssKb > 10_000);
  assert.ok(r.targetCpuS > 0, 'the server in this process answered');
  assert.equal(r.peakConnections, 2);
});

test('runCase: dlt holds N idle connections from its test file, one request per second each', async (t) => {
  const ctx = await nodeTarget(t);
  const root = join(import.meta.dirname, '..');
  const idle: BenchCase = {
    ...closed1s,
    id: 'dlt 5',
    suite: 'idle',
    tool: 'dlt',
    role: 'few',
    load: { kind: 'idle', connections: 5, durationS: 2 },
  };
  const r = await runCase(idle, peers(root).dlt, 1, ctx);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.peakConnections, 5);
  // 5 VUs × (a request at 0 s and at ~1 s) in 2 s; a third may slip in at the very end.
  assert.ok(r.result.requests >= 10 && r.result.requests <= 15, `${r.result.requests} requests`);
});

const failing: readonly [string, Peer, RegExp][] = [
  [
    'a crash names its error',
    {
      name: 'dlt',
      command: () => ({ cmd: process.execPath, args: ['-e', 'console.error("at x"); throw new Error("no CLI")'] }),
      parse: () => assert.fail('not parsed'),
    },
    /^dlt run failed: Error: no CLI$/,
  ],
  [
    'unreadable output',
    { name: 'wrk', command: () => ({ cmd: 'echo', args: ['hello'] }), parse: (out) => peers('/').wrk.parse(out, '') },
    /^wrk output unreadable: wrk: request count not found/,
  ],
  [
    'no request completed',
    {
      name: 'autocannon',
      command: () => ({ cmd: 'true', args: [] }),
      parse: () => ({ requests: 0, rps: 0, errors: 7 }),
    },
    /^autocannon run completed no request \(7 errors\)$/,
  ],
  [
    'a load the tool cannot apply',
    { name: 'wrk', command: () => undefined, parse: () => assert.fail('not run') },
    /^wrk cannot apply a closed load$/,
  ],
];

for (const [name, peer, error] of failing) {
  test(`runCase: ${name} becomes a failure record`, async (t) => {
    const ctx = await nodeTarget(t);
    const r = await runCase({ ...closed1s, tool: peer.name, countConnections: false }, peer, 2, ctx);
    assert.equal(r.ok, false);
    assert.equal(r.rep, 2);
    assert.match(r.ok ? '' : r.error, error);
  });
}
