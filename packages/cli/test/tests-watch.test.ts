/**
 * `dlt tests watch` as a real process against a real server (its local launcher starting real
 * `dlt agent` processes) and a counting target: a watcher that comes in late still gets every
 * second (the server replays what it missed), the seconds add up to the final totals and to what
 * the target counted, the plain output shows a line a second and the results, and --help works.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient, type DltClient } from '@dlt/client';
import { type RunningServer, startServer } from '@dlt/server';
import { runDlt, startTarget, type Target } from './helpers.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
let server: RunningServer;
let target: Target;
let client: DltClient;
let token = '';
let dir = '';
let far: ChildProcess | undefined;
const auth = () => ({ authorization: `Bearer ${token}` });

before(async () => {
  target = await startTarget();
  dir = await mkdtemp(join(tmpdir(), 'dlt-watch-'));
  server = await startServer({
    dataDir: join(dir, 'data'),
    port: 0,
    adminPassword: 'watch-admin-password',
    agentCommand: [process.execPath, bin, 'agent'],
  });
  const admin = createClient({
    baseUrl: server.url,
    token: (await createClient({ baseUrl: server.url }).login('admin', 'watch-admin-password')).token,
  });
  token = (await admin.createToken({ name: 'watch', role: 'viewer' })).token;
  client = admin;
  // A second region: an agent that dials in, as one elsewhere would.
  const agentToken = (await admin.createToken({ name: 'far', role: 'agent' })).token;
  far = spawn(
    process.execPath,
    [bin, 'agent', '--server', server.url, '--token', agentToken, '--region', 'far', '--name', 'far-1', '-q'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 300; i++) {
    const { regions } = (await (await fetch(`${server.url}/api/regions`, { headers: auth() })).json()) as {
      regions: { region: string; freeSlots: number }[];
    };
    if (regions.some((r) => r.region === 'far' && r.freeSlots > 0)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});
after(async () => {
  far?.kill('SIGKILL');
  await server.close();
  await target[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

test('dlt tests watch --help prints its usage', async () => {
  const r = await runDlt(['tests', 'watch', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: dlt tests watch ID \[--run RUNID\]/);
});

test('a late watcher gets every second; the seconds add up to the results and to the target', async () => {
  const started = await client.createScenario({
    testName: 'watched',
    testDescription: 'followed live by dlt tests watch',
    testType: 'simple',
    fileType: 'none',
    testTaskConfigs: [
      { region: 'local', taskCount: 2, concurrency: 2 },
      { region: 'far', taskCount: 1, concurrency: 2 },
    ],
    testScenario: {
      execution: [{ concurrency: 2, 'hold-for': '2500ms', scenario: 's' }],
      scenarios: { s: { 'think-time': '10ms', requests: [`${target.url}/watched`] } },
    },
  });
  for (let i = 0; i < 300; i++) {
    const s = await client.getScenario(started.testId, { history: false });
    if (s.status === 'running') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // Late on purpose: the run has been going a second or so before the watchers connect.
  await new Promise((r) => setTimeout(r, 1_200));
  const common = ['--server', server.url, '--token', token];
  const [json, plain] = await Promise.all([
    runDlt(['tests', 'watch', started.testId, '--json', ...common], { timeoutMs: 60_000 }),
    runDlt(['tests', 'watch', started.testId, ...common], { timeoutMs: 60_000 }),
  ]);
  assert.equal(json.code, 0, json.stderr);
  const events = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const seconds = new Map<
    number,
    { totals: { requests: number }; regions: Record<string, { totals: { requests: number } }> }
  >();
  for (const e of events) if (e.event === 'second') seconds.set(e.at, e);
  assert.equal(events.at(-1).status, 'complete');
  const live = [...seconds.values()].reduce((n, s) => n + s.totals.requests, 0);
  const done = await client.getScenario(started.testId, { history: false });
  const total = done.results?.total?.throughput ?? 0;
  assert.ok(total > 50, `only ${total} requests`);
  assert.equal(live, total, 'the live seconds add up to the final total');
  assert.equal(total, target.hits.get('/watched'), 'and to what the target counted');
  for (const region of ['local', 'far']) {
    const inRegion = [...seconds.values()].reduce((n, s) => n + (s.regions[region]?.totals.requests ?? 0), 0);
    const result = done.results?.[region]?.throughput;
    assert.ok(Number(result) > 0, `${region}: ${result}`);
    assert.equal(inRegion, Number(result), `the live seconds of ${region} add up to its result`);
  }
  assert.ok(seconds.size >= 3, `${seconds.size} seconds`);

  assert.equal(plain.code, 0, plain.stderr);
  const lines = plain.stdout.split('\n').filter((l) => /^\[\s*\d[\dhms:]*\]/.test(l));
  assert.ok(lines.length >= 3, plain.stdout);
  assert.match(lines[0], /vus\s+\d+\s+req\/s\s+[\d,.]+\s+p95/);
  assert.match(plain.stdout, new RegExp(`test ${started.testId} run ${done.testRunId}: complete`));
  assert.match(plain.stdout, /tasks started within [\d.]+\s?(µs|ms) of each other/);
  assert.ok(
    lines.some((l) => / \| far [\d,.]+\/s p95 .* \| local /.test(l)),
    'each region on the live line',
  );
  const table = plain.stdout.slice(plain.stdout.indexOf('region  '));
  assert.match(table, /^region\s+requests\s+fail/, 'the results have a table of regions');
  for (const region of ['far', 'local'])
    assert.match(
      table,
      new RegExp(`\\n${region}\\s+${Number(done.results?.[region]?.throughput).toLocaleString('en-US')}\\s`),
    );
});

test('watching a test that never ran says so', async () => {
  const saved = await client.createScenario({
    testName: 'never run',
    testDescription: 'saved only',
    testType: 'simple',
    fileType: 'none',
    saveOnly: true,
    testTaskConfigs: [{ region: 'local', taskCount: 1, concurrency: 1 }],
    testScenario: {
      execution: [{ concurrency: 1, 'hold-for': '1s', scenario: 's' }],
      scenarios: { s: { requests: [target.url] } },
    },
  });
  const r = await runDlt(['tests', 'watch', saved.testId, '--server', server.url, '--token', token]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`test ${saved.testId} has not run yet`));
});
