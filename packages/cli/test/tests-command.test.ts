/**
 * `dlt tests …` as a real process against a real server (in this process, with its local
 * launcher starting real `dlt agent` processes) and a real target on loopback that counts what
 * reaches it: the body it posts, the progress it streams, its exit codes and its JSON.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient, type DltClient } from '@dlt/client';
import { type RunningServer, startServer } from '@dlt/server';
import { runDlt } from './helpers.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');
const hits = new Map<string, number>();
const target = createServer((req, res) => {
  const path = req.url ?? '/';
  hits.set(path, (hits.get(path) ?? 0) + 1);
  res.writeHead(path === '/fail' ? 500 : 200).end('ok');
});
let server: RunningServer;
let client: DltClient;
let token = '';
let dir = '';
let targetUrl = '';

before(async () => {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'dlt-tests-'));
  server = await startServer({
    dataDir: join(dir, 'data'),
    port: 0,
    adminPassword: 'tests-admin-password',
    agentCommand: [process.execPath, bin, 'agent'],
  });
  const admin = createClient({
    baseUrl: server.url,
    token: (await createClient({ baseUrl: server.url }).login('admin', 'tests-admin-password')).token,
  });
  token = (await admin.createToken({ name: 'cli tests', role: 'editor' })).token;
  client = createClient({ baseUrl: server.url, token });
});
after(async () => {
  await server.close();
  target.closeAllConnections();
  target.close();
  await rm(dir, { recursive: true, force: true });
});

/** A test file of `concurrency` users per task for `holdFor` on `path`, with optional thresholds. */
async function testFile(name: string, path: string, holdFor: string, thresholds = ''): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const yaml = `execution:\n  - concurrency: 3\n    hold-for: ${holdFor}\n    scenario: s\nscenarios:\n  s:\n    think-time: 20ms\n    requests: ['${targetUrl}${path}']\n${thresholds}`;
  await writeFile(file, yaml);
  return file;
}

const auth = () => ['--server', server.url, '--token', token];

test('run FILE --wait stores and runs it on 2 tasks, streams progress, exits 0, and counts what the target saw', async () => {
  const file = await testFile('passing', '/ok', '3s');
  const r = await runDlt(['tests', 'run', file, '--tasks', '2', '--wait', ...auth()]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /running/, 'a status line while it starts');
  assert.match(r.stderr, /vus\s+6\s+req\/s/, "a live line: both tasks' second merged");
  assert.match(r.stdout, /run \S+: complete/);
  const [item] = (await client.listScenarios()).Items.filter((t) => t.testName === 'passing');
  const s = await client.getScenario(item.testId);
  assert.deepEqual(s.testTaskConfigs, [{ region: 'local', taskCount: 2, concurrency: 3 }]);
  assert.equal(s.summary?.totals.requests, hits.get('/ok'), "the merged total is the target's own count");
  assert.equal(s.summary?.vusMax, 6, '2 tasks × 3 users');
  const json = await runDlt(['tests', 'results', item.testId, '--json', ...auth()]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).summary.totals.requests, hits.get('/ok'));
});

test('run --wait exits 99 when a threshold is crossed; results says the same; run ID runs it again', async () => {
  const file = await testFile('failing', '/fail', '1s', 'thresholds:\n  http_req_failed: [rate<0.01]\n');
  const r = await runDlt(['tests', 'run', file, '--wait', '-q', ...auth()]);
  assert.equal(r.code, 99, r.stderr);
  const [item] = (await client.listScenarios()).Items.filter((t) => t.testName === 'failing');
  const results = await runDlt(['tests', 'results', item.testId, ...auth()]);
  assert.equal(results.code, 99);
  assert.match(results.stdout, /http_req_failed/);
  const before = hits.get('/fail') ?? 0;
  const again = await runDlt(['tests', 'run', item.testId, '--wait', '-q', ...auth()]);
  assert.equal(again.code, 99, again.stderr);
  assert.ok((hits.get('/fail') ?? 0) > before, 'run ID ran the stored test again');
  assert.equal((await client.getScenario(item.testId)).totalTestRuns, 2);
});

test('cancel stops a waiting run: the waiter exits 1 with the run cancelled', async () => {
  const file = await testFile('long', '/long', '60s');
  const waiting = runDlt(['tests', 'run', file, '--wait', ...auth()], { timeoutMs: 30_000 });
  let testId = '';
  for (let i = 0; i < 200 && !testId; i++) {
    const [item] = (await client.listScenarios()).Items.filter((t) => t.testName === 'long' && t.status === 'running');
    testId = item?.testId ?? '';
    if (!testId) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(testId, 'the run started');
  const cancel = await runDlt(['tests', 'cancel', testId, ...auth()]);
  assert.equal(cancel.code, 0, cancel.stderr);
  const r = await waiting;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /cancelled/);
});

test('list and create: JSON for scripts, create only saves, a bad body exits 2 naming the field', async () => {
  const file = await testFile('saved', '/saved', '1s');
  const created = await runDlt(['tests', 'create', file, '--name', 'saved only', '--json', ...auth()]);
  assert.equal(created.code, 0, created.stderr);
  const body = JSON.parse(created.stdout);
  assert.equal(body.status, 'created');
  assert.equal(hits.get('/saved'), undefined, 'nothing ran');
  const list = await runDlt(['tests', 'list', '--json', ...auth()]);
  assert.ok(JSON.parse(list.stdout).some((t: { testId: string }) => t.testId === body.testId));
  const table = await runDlt(['tests', 'list', ...auth()]);
  assert.match(table.stdout, new RegExp(`${body.testId}\\s+saved only\\s+created`));
  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ testName: 'x', testType: 'simple', testScenario: {} }));
  const refused = await runDlt(['tests', 'create', bad, ...auth()]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /testName/);
  assert.match(refused.stderr, /testTaskConfigs/);
});

test('list shows when a scheduled test runs next', async () => {
  const scheduled = await client.createScenario({
    testName: 'nightly',
    testDescription: 'scheduled from the list test',
    testType: 'simple',
    testTaskConfigs: [{ region: 'local', taskCount: 1, concurrency: 1 }],
    testScenario: {
      execution: [{ 'hold-for': '1s', scenario: 's' }],
      scenarios: { s: { requests: ['http://127.0.0.1:9/'] } },
    },
    cronValue: '0 3 * * *',
    scheduleTimezone: 'Europe/Paris',
  });
  const nextRun = (await client.getScenario(scheduled.testId, { history: false })).nextRun as string;
  assert.match(nextRun, /T0[12]:00:00\.000Z$/);
  const table = await runDlt(['tests', 'list', ...auth()]);
  assert.match(table.stdout, /next run/);
  assert.match(table.stdout, new RegExp(`${scheduled.testId}\\s+nightly\\s+scheduled\\s+0\\s+-\\s+${nextRun}`));
  await client.deleteScenario(scheduled.testId);
});

const badArgs: [name: string, args: string[], message: RegExp][] = [
  ['no server', ['tests', 'list'], /--server: is required/],
  ['no ID', ['tests', 'cancel', '--server', 'http://127.0.0.1:9'], /expected one ID/],
  [
    'an option of another subcommand',
    ['tests', 'list', '--wait', '--server', 'http://127.0.0.1:9'],
    /--wait: is not an option/,
  ],
  ['an unknown subcommand', ['tests', 'launch'], /unknown subcommand "launch"/],
];
for (const [name, args, message] of badArgs) {
  test(`dlt tests refuses ${name} with exit 2`, async () => {
    const r = await runDlt(args);
    assert.equal(r.code, 2);
    assert.match(r.stderr, message);
  });
}

test('a wrong token is a clear 401 and exit 1; an unknown test a 404', async () => {
  const r = await runDlt(['tests', 'results', 'T1', '--server', server.url, '--token', 'nope']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /401 UNAUTHORIZED/);
  const missing = await runDlt(['tests', 'results', 'nope', ...auth()]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /404 TEST_NOT_FOUND/);
});

test('create FILE -e NAME=VALUE resolves variables before storing; an unresolved name exits 2 naming the field', async () => {
  const file = join(dir, 'variables.yaml');
  const yaml = [
    'execution:',
    '  - concurrency: 1',
    '    hold-for: 1s',
    '    scenario: s',
    'scenarios:',
    '  s:',
    `    default-address: \${TARGET:-http://127.0.0.1:1}`,
    `    requests: ["/\${PAGE}", "/\${OTHER:-fallback}"]`,
  ].join('\n');
  await writeFile(file, yaml);
  const r = await runDlt([
    'tests',
    'create',
    file,
    '-e',
    `TARGET=${targetUrl}`,
    '--env',
    'PAGE=home',
    '--json',
    ...auth(),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const stored = await client.getScenario(JSON.parse(r.stdout).testId);
  const scenario = (stored.testScenario as { scenarios: Record<string, Record<string, unknown>> }).scenarios.s;
  assert.equal(scenario['default-address'], targetUrl);
  assert.deepEqual(scenario.requests, ['/home', '/fallback']);

  const missing = await runDlt(['tests', 'create', file, '-e', `TARGET=${targetUrl}`, ...auth()]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /variables\.yaml.*scenarios\.s\.requests\[0\].*PAGE/);
  const malformed = await runDlt(['tests', 'create', file, '-e', 'PAGE', ...auth()]);
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /--env.*"PAGE" is not NAME=VALUE/);
});

test('create FILE names the line of each problem, as dlt run does, and sends nothing', async () => {
  const file = join(dir, 'typos.yaml');
  await writeFile(
    file,
    'execution:\n  - concurency: 5\n    hold-for: 1s\n    scenario: s\nscenarios:\n  s:\n    requests:\n      - url: http://127.0.0.1:9/\n        methd: GET\n',
  );
  const before = (await client.listScenarios()).Items.length;
  const r = await runDlt(['tests', 'create', file, ...auth()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /typos\.yaml:2:5 execution\[0\]\.concurency/);
  assert.match(r.stderr, /typos\.yaml:9:9 scenarios\.s\.requests\[0\]\.methd/);
  const bomb = join(dir, 'bomb.yaml');
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++)
    levels.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );
  await writeFile(bomb, `${levels.join('\n')}\n`);
  const exploded = await runDlt(['tests', 'create', bomb, ...auth()]);
  assert.equal(exploded.code, 2);
  assert.match(exploded.stderr, /bomb\.yaml:\d+:\d+/);
  assert.equal((await client.listScenarios()).Items.length, before, 'nothing stored');
});
