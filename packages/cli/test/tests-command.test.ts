/**
 * `dlt tests …` as a real process against a node:http stub of the API (until the server's app
 * factory lands): the body it posts, the progress it streams, its exit codes and its JSON.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Recorder, summarize } from '@dlt/metrics';
import type { ThresholdOutcome } from '@dlt/model';
import { runDlt } from './helpers.ts';

interface StubRun {
  /** Status after the polls: running twice, then this. */
  final: 'complete' | 'failed' | 'cancelled';
  crossed: boolean;
  /** Polls answered `running` before the final status. */
  running: number;
}

let plan: StubRun = { final: 'complete', crossed: false, running: 1 };
let posted: unknown[] = [];
let polls = 0;
let base = '';
let dir = '';

const snapshot = (taskId: string, at: number, requests: number) => ({
  runId: 'R1',
  taskId,
  region: 'local',
  snapshot: {
    at,
    durationMs: 1000,
    totals: {
      requests,
      failures: 0,
      bytesSent: 0,
      bytesReceived: 0,
      statusCodes: {},
      errors: {},
      responseTime: { min: 1, mean: 2, p50: 2, p90: 3, p95: 3, p99: 4, max: 5 },
      histogram: '',
    },
    labels: {},
    iterations: requests,
    interruptedIterations: 0,
    droppedIterations: 0,
    vus: 2,
    vusMax: 2,
  },
});

function scenario(status: string) {
  const outcomes: Record<string, ThresholdOutcome> = plan.crossed
    ? { 'http_req_duration: p(95)<1': { ok: false, actual: 3 } }
    : {};
  const done = status === 'complete' || status === 'failed' || status === 'cancelled';
  return {
    testId: 'T1',
    testRunId: 'R1',
    testName: 'stub',
    testDescription: 'a stub test',
    testType: 'simple',
    status,
    testTaskConfigs: [{ region: 'local', taskCount: 1, concurrency: 1 }],
    testScenario: {},
    ...(status === 'failed' ? { errorReason: 'task R1-0 failed: boom' } : {}),
    ...(done ? { summary: summarize(new Recorder().result(), outcomes) } : {}),
  };
}

function reply(req: IncomingMessage, res: ServerResponse, body: string) {
  const json = (status: number, value: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  if (req.headers.authorization !== 'Bearer tok') return json(401, { code: 'UNAUTHORIZED', message: 'no token' });
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method === 'POST' && path === '/api/scenarios') {
    const b = JSON.parse(body);
    posted.push(b);
    if (b.testName === 'bad') {
      return json(400, {
        code: 'INVALID_REQUEST_BODY',
        message: 'bad',
        problems: [{ field: 'testName', message: 'is bad' }],
      });
    }
    polls = 0;
    return json(200, { ...scenario('queued'), ...b, testId: 'T1' });
  }
  if (req.method === 'GET' && path === '/api/scenarios') return json(200, { Items: [scenario('complete')] });
  if (req.method === 'GET' && path === '/api/scenarios/T1')
    return json(200, scenario(++polls <= plan.running ? 'running' : plan.final));
  if (req.method === 'GET' && path === '/api/runs/R1/live') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const at = Math.floor(Date.now() / 1000) * 1000;
    for (const s of [snapshot('R1-0', at, 7), snapshot('R1-1', at, 5), snapshot('R1-0', at, 7)]) {
      res.write(`event: snapshot\ndata: ${JSON.stringify(s)}\n\n`);
    }
    return void setTimeout(() => res.end(), 3_000);
  }
  json(404, { code: 'NOT_FOUND', message: `${req.method} ${path}` });
}

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => {
    body += d;
  });
  req.on('end', () => reply(req, res, body));
});
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'dlt-tests-'));
  await writeFile(
    join(dir, 'api.yaml'),
    'execution:\n  - concurrency: 7\n    hold-for: 1s\n    scenario: s\nscenarios:\n  s:\n    requests: [http://127.0.0.1:9/]\n',
  );
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ testName: 'bad', testScenario: {} }));
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = () => ['--server', base, '--token', 'tok'];

test('run FILE --wait wraps the definition, streams progress and exits 0 on a passed run', async () => {
  // Two polls while running: the live stream has arrived by the second line.
  plan = { final: 'complete', crossed: false, running: 2 };
  posted = [];
  const r = await runDlt(['tests', 'run', join(dir, 'api.yaml'), '--tasks', '2', '--wait', ...auth()]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(posted.length, 1);
  const body = posted[0] as Record<string, unknown>;
  assert.deepEqual(body.testTaskConfigs, [{ region: 'local', taskCount: 2, concurrency: 7 }]);
  assert.equal(body.testType, 'simple');
  assert.equal(body.testName, 'api');
  assert.equal(body.saveOnly, undefined, 'run does not only save');
  assert.deepEqual((body.testScenario as { execution: unknown[] }).execution, [
    { concurrency: 7, 'hold-for': '1s', scenario: 's' },
  ]);
  assert.match(r.stderr, /total\s+12\b/, 'two tasks of one second counted once each (7 + 5)');
  assert.match(r.stdout, /test T1 run R1: complete/);
});

const outcomes: [name: string, run: StubRun, code: number, out: RegExp][] = [
  ['a crossed threshold exits 99', { final: 'complete', crossed: true, running: 1 }, 99, /complete/],
  [
    'a failed run exits 1 with its reason',
    { final: 'failed', crossed: false, running: 1 },
    1,
    /reason: task R1-0 failed: boom/,
  ],
  ['a cancelled run exits 1', { final: 'cancelled', crossed: false, running: 1 }, 1, /cancelled/],
];
for (const [name, run, code, out] of outcomes) {
  test(`run ID --wait: ${name}`, async () => {
    plan = run;
    const r = await runDlt(['tests', 'run', 'T1', '--wait', '-q', ...auth()]);
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stdout, out);
  });
}

test('list --json prints the server JSON; create saves only; a 400 exits 2 with each problem', async () => {
  const list = await runDlt(['tests', 'list', '--json', ...auth()]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(JSON.parse(list.stdout)[0].testId, 'T1');
  posted = [];
  const created = await runDlt(['tests', 'create', join(dir, 'api.yaml'), '--name', 'my api', ...auth()]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal((posted[0] as { saveOnly: boolean }).saveOnly, true);
  assert.match(created.stdout, /created test T1 \(my api\)/);
  const bad = await runDlt(['tests', 'create', join(dir, 'bad.json'), ...auth()]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /testName: is bad/);
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

test('a wrong token is a clear 401 and exit 1', async () => {
  const r = await runDlt(['tests', 'results', 'T1', '--server', base, '--token', 'nope']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no token \(401 UNAUTHORIZED\)/);
});
