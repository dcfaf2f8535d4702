/**
 * The MCP server driven by the SDK's real client over both transports: `dlt mcp` as a real
 * process on stdio, and `/mcp` on a real server on loopback (streamable HTTP). The data is real:
 * a test run twice by real `dlt agent` processes against a loopback target that counts what
 * reaches it, with the first run as the baseline. Tokens: a viewer's works; none, an unknown
 * one and an agent's are refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient, type DltClient, type ScenarioInput } from '@dlt/client';
import { oidcConfigFromEnv, type RunningServer, startServer } from '@dlt/server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestIssuer, type TestIssuer } from '../../server/src/auth/oidc-test-issuer.ts';
import { mcpEndpoint, readOnlyFetch, tools } from '../src/index.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'src', 'bin.ts');
const password = 'mcp-admin-password';
let hits = 0;
const target = createServer((_req, res) => {
  hits++;
  res.end('ok');
});
let server: RunningServer;
let issuer: TestIssuer;
let dir = '';
let admin: DltClient;
const tokens = { viewer: '', editor: '', agent: '' };
let testId = '';
let firstRun = '';
let secondRun = '';
let firstRunHits = 0;

function body(): ScenarioInput {
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  return {
    testName: 'mcp data',
    testDescription: 'a test the MCP tools read',
    testType: 'simple',
    testTaskConfigs: [{ region: 'local', taskCount: 1, concurrency: 2 }],
    testScenario: {
      execution: [{ concurrency: 2, 'hold-for': '1s', scenario: 's' }],
      scenarios: { s: { 'think-time': '20ms', requests: [url] } },
    },
    tags: ['mcp'],
  };
}

async function untilDone(runId: string): Promise<void> {
  for await (const _ of admin.live(runId, { signal: AbortSignal.timeout(30_000) })) {
    // Drain the stream: it ends when the run does.
  }
  const run = await admin.getTestRun(testId, runId);
  assert.equal(run.status, 'complete', `run ${runId}: ${run.errorReason ?? run.status}`);
}

before(async () => {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(join(tmpdir(), 'dlt-mcp-'));
  issuer = await startTestIssuer('dlt-console');
  const oidc = oidcConfigFromEnv({
    DLT_OIDC_ISSUER: issuer.issuer,
    DLT_OIDC_CLIENT_ID: 'dlt-console',
    DLT_OIDC_ROLE_MAP: 'readers=viewer',
  });
  server = await startServer({
    oidc,
    dataDir: dir,
    port: 0,
    adminPassword: password,
    agentCommand: [process.execPath, bin, 'agent'],
    plugins: [mcpEndpoint()],
  });
  const session = (await createClient({ baseUrl: server.url }).login('admin', password)).token;
  admin = createClient({ baseUrl: server.url, token: session });
  for (const role of ['viewer', 'editor', 'agent'] as const) {
    tokens[role] = (await admin.createToken({ name: `mcp ${role}`, role })).token;
  }
  const first = await admin.createScenario(body());
  testId = first.testId;
  firstRun = first.testRunId as string;
  await untilDone(firstRun);
  firstRunHits = hits;
  secondRun = (await admin.createScenario({ ...body(), testId })).testRunId as string;
  await untilDone(secondRun);
  await admin.putBaseline(testId, firstRun);
});
after(async () => {
  await server?.close();
  await issuer?.[Symbol.asyncDispose]();
  target.closeAllConnections();
  target.close();
  await rm(dir, { recursive: true, force: true });
});

const expectedTools = [
  'list_scenarios',
  'get_scenario_details',
  'list_test_runs',
  'get_test_run',
  'get_latest_test_run',
  'get_baseline_test_run',
  'compare_test_runs',
  'get_test_run_artifacts',
  'list_regions',
  'list_running_tasks',
  'list_agents',
];

async function httpClient(token?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  const client = new Client({ name: 'dlt-mcp-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

/** `dlt mcp ARGS` as a real process, connected with the SDK's stdio client. */
async function stdioClient(args: readonly string[], env: Record<string, string> = {}): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, 'mcp', ...args],
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'dlt-mcp-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

type CallResult = { isError?: boolean; content: { type: string; text?: string }[] };

/** Calls a tool and parses its JSON answer; fails on a tool error. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const r = (await client.callTool({ name, arguments: args })) as CallResult;
  const text = r.content.map((c) => c.text ?? '').join('');
  assert.ok(!r.isError, `${name} failed: ${text}`);
  return JSON.parse(text);
}

async function callError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const r = (await client.callTool({ name, arguments: args })) as CallResult;
  assert.equal(r.isError, true, `${name} should fail`);
  return r.content.map((c) => c.text ?? '').join('');
}

/** Every tool against the real data, as any transport serves them. */
async function exerciseTools(client: Client): Promise<void> {
  const listed = (await client.listTools()).tools;
  assert.deepEqual(listed.map((t) => t.name).sort(), [...expectedTools].sort());
  for (const t of listed) {
    assert.ok((t.description ?? '').length > 40, `${t.name} has a description`);
    assert.equal(t.inputSchema.type, 'object');
    assert.equal(t.annotations?.readOnlyHint, true, `${t.name} is marked read-only`);
  }
  const runs = listed.find((t) => t.name === 'list_test_runs')!;
  assert.deepEqual(Object.keys(runs.inputSchema.properties ?? {}).sort(), [
    'end_timestamp',
    'limit',
    'next_token',
    'start_timestamp',
    'test_id',
  ]);

  const scenarios = await call(client, 'list_scenarios');
  assert.equal(scenarios.count, 1);
  assert.equal(scenarios.scenarios[0].testId, testId);
  assert.equal(scenarios.scenarios[0].totalTestRuns, 2);
  assert.equal((await call(client, 'list_scenarios', { tags: ['other'] })).count, 0);

  const details = await call(client, 'get_scenario_details', { test_id: testId });
  assert.equal(details.testName, 'mcp data');
  assert.equal(details.baselineId, firstRun);
  assert.deepEqual(details.testTaskConfigs, [{ region: 'local', taskCount: 1, concurrency: 2 }]);

  const all = await call(client, 'list_test_runs', { test_id: testId });
  assert.deepEqual(
    all.testRuns.map((r: { testRunId: string }) => r.testRunId),
    [secondRun, firstRun],
    'newest first',
  );
  const one = await call(client, 'list_test_runs', { test_id: testId, limit: 1 });
  assert.deepEqual(one.testRuns.length, 1);
  const future = new Date(Date.now() + 3600_000).toISOString();
  assert.equal((await call(client, 'list_test_runs', { test_id: testId, start_timestamp: future })).testRuns.length, 0);

  const run = await call(client, 'get_test_run', { test_id: testId, test_run_id: firstRun });
  assert.equal(run.status, 'complete');
  assert.equal(run.summary.totals.requests, firstRunHits, "the run's merged total is the target's own count");
  assert.equal(run.results.total.throughput, firstRunHits);
  assert.equal(run.summary.timeline, undefined, 'no timeline unless asked');
  assert.ok(run.summary.timelinePoints > 0);
  const withTimeline = await call(client, 'get_test_run', {
    test_id: testId,
    test_run_id: firstRun,
    include_timeline: true,
  });
  assert.ok(withTimeline.summary.timeline.length > 0);

  const latest = await call(client, 'get_latest_test_run', { test_id: testId });
  assert.equal(latest.testRunId, secondRun);
  assert.equal(latest.summary.totals.requests, hits - firstRunHits);

  const baseline = await call(client, 'get_baseline_test_run', { test_id: testId });
  assert.equal(baseline.baselineId, firstRun);
  assert.equal(baseline.testRunDetails.summary.totals.requests, firstRunHits);

  const compared = await call(client, 'compare_test_runs', { test_id: testId, test_run_id: secondRun });
  assert.equal(compared.baselineId, firstRun);
  const reversed = await call(client, 'compare_test_runs', {
    test_id: testId,
    test_run_id: firstRun,
    against_test_run_id: secondRun,
  });
  assert.equal(reversed.baselineId, secondRun);

  const artifacts = await call(client, 'get_test_run_artifacts', { test_id: testId, test_run_id: firstRun });
  assert.equal(artifacts.tasks.length, 1);
  assert.equal(artifacts.tasks[0].resultStored, true);
  const paths = artifacts.downloads.map((d: { path: string }) => d.path);
  assert.ok(paths.includes(`/api/scenarios/${testId}/testruns/${firstRun}`), paths.join(' '));
  assert.ok(
    paths.every((p: string) => !p.includes('{')),
    'every id filled in',
  );

  const regions = await call(client, 'list_regions');
  assert.ok(regions.regions.some((r: { region: string }) => r.region === 'local'));
  assert.deepEqual((await call(client, 'list_running_tasks')).regions, [], 'nothing runs now');
  assert.ok(Array.isArray((await call(client, 'list_agents')).agents));

  // Errors are tool results that say what went wrong, and the server keeps serving.
  assert.match(await callError(client, 'get_scenario_details', { test_id: 'nosuchtest' }), /404 TEST_NOT_FOUND/);
  assert.match(
    await callError(client, 'get_test_run', { test_id: testId, test_run_id: 'nosuchrun' }),
    /TESTRUN_NOT_FOUND/,
  );
  assert.match(await callError(client, 'get_test_run', { test_id: '../x', test_run_id: 'y' }), /test_id/);
  assert.match(await callError(client, 'list_test_runs', { test_id: testId, limit: 0 }), /limit/);
  assert.match(
    await callError(client, 'list_test_runs', { test_id: testId, start_timestamp: 'yesterday' }),
    /start_timestamp/,
  );
  assert.equal((await call(client, 'list_scenarios')).count, 1, 'still serving after errors');
}

test('streamable HTTP at /mcp: a viewer token lists and calls every tool against real runs', async () => {
  const client = await httpClient(tokens.viewer);
  try {
    await exerciseTools(client);
  } finally {
    await client.close();
  }
});

test('streamable HTTP at /mcp: no token and an unknown token get 401, an agent token 403, GET 405', async () => {
  const refused = (status: number, message: RegExp) => (e: unknown) => {
    assert.equal((e as { code?: number }).code, status, String(e));
    assert.match(String(e), message);
    return true;
  };
  await assert.rejects(httpClient(), refused(401, /Authorization: Bearer/));
  await assert.rejects(httpClient('dlt_not-a-real-token'), refused(401, /unknown or expired/));
  await assert.rejects(httpClient(tokens.agent), refused(403, /needs a viewer token; this one is agent/));
  const res = await fetch(`${server.url}/mcp`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
  assert.equal(res.status, 405);
  const preflight = await fetch(`${server.url}/mcp`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://inspector.test',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,mcp-protocol-version',
    },
  });
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /mcp-protocol-version/, 'browser clients');
  const garbage = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    body: '{"not":"json-rpc"}',
    headers: {
      authorization: `Bearer ${tokens.viewer}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
  });
  assert.equal(garbage.status, 400, 'a message that is not JSON-RPC is refused, not a crash');
  assert.equal(((await garbage.json()) as { jsonrpc?: string }).jsonrpc, '2.0');
  const unparsable = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    body: '{"jsonrpc":"2.0","id":1,',
    headers: {
      authorization: `Bearer ${tokens.viewer}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
  });
  assert.equal(unparsable.status, 400);
  // JSON-RPC's parse error, not the REST API's error shape.
  const parseError = (await unparsable.json()) as { jsonrpc?: string; error?: { code: number } };
  assert.equal(parseError.jsonrpc, '2.0');
  assert.equal(parseError.error?.code, -32700);
  const bare = await fetch(`${server.url}/mcp`, {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(bare.status, 401);
  assert.match(bare.headers.get('www-authenticate') ?? '', /^Bearer/);
});

test('streamable HTTP at /mcp: a token of the OIDC issuer works with a mapped group, and gets 403 without one', async () => {
  const client = await httpClient(await issuer.sign({ preferred_username: 'ann', groups: ['readers'] }));
  try {
    assert.equal((await call(client, 'list_scenarios')).count, 1);
    const run = await call(client, 'get_latest_test_run', { test_id: testId });
    assert.equal(run.testRunId, secondRun);
  } finally {
    await client.close();
  }
  const stranger = await issuer.sign({ preferred_username: 'eve', groups: ['marketing'] });
  await assert.rejects(httpClient(stranger), (e: unknown) => {
    assert.equal((e as { code?: number }).code, 403, String(e));
    assert.match(String(e), /no dlt role for the groups \[marketing\]/);
    return true;
  });
});

test('the MCP server only reads: an editor token still changes nothing, and its fetch refuses writes', async () => {
  const client = await httpClient(tokens.editor);
  try {
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(
      names.every((n) => /^(list|get|compare)_/.test(n)),
      names.join(' '),
    );
    assert.equal((await call(client, 'list_scenarios')).count, 1);
  } finally {
    await client.close();
  }
  assert.deepEqual(tools.map((t) => t.name).sort(), [...expectedTools].sort());
  const guarded = readOnlyFetch(() => Promise.resolve(new Response('sent')));
  await assert.rejects(guarded(`${server.url}/api/scenarios`, { method: 'POST' }), /read-only/);
  await assert.rejects(guarded(`${server.url}/api/scenarios/x`, { method: 'DELETE' }), /read-only/);
  assert.equal(await (await guarded(`${server.url}/api/scenarios`)).text(), 'sent');
});

test('dlt mcp on stdio (a real process): a viewer token from DLT_TOKEN lists and calls every tool', async () => {
  const client = await stdioClient(['--server', server.url], { DLT_TOKEN: tokens.viewer });
  try {
    await exerciseTools(client);
  } finally {
    await client.close();
  }
});

test('dlt mcp on stdio: an unknown token makes every call a tool error that says so; no token will not start', async () => {
  const client = await stdioClient(['--server', server.url, '--token', 'dlt_not-a-real-token']);
  try {
    assert.equal((await client.listTools()).tools.length, expectedTools.length);
    assert.match(await callError(client, 'list_scenarios', {}), /401 UNAUTHORIZED.*token/);
  } finally {
    await client.close();
  }
  const r = spawnSync(process.execPath, [bin, 'mcp', '--server', server.url], {
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--token.*is required/);
});

test('list_scenarios stays whole with long descriptions: each is cut in the list, get_scenario_details has it all', async () => {
  const long = `${'d'.repeat(59_990)}-the-end`;
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    ids.push((await admin.createScenario({ ...body(), testDescription: long, saveOnly: true })).testId);
  }
  const client = await httpClient(tokens.viewer);
  try {
    // Four of them were 240,000 characters: the answer was cut mid-JSON and the other tests lost.
    const list = await call(client, 'list_scenarios');
    assert.equal(list.count, 5);
    assert.ok(list.scenarios.some((s: { testId: string }) => s.testId === testId));
    const row = list.scenarios.find((s: { testId: string }) => s.testId === ids[0]);
    assert.equal(row.testDescription, `${'d'.repeat(500)} … (${long.length} characters: get_scenario_details has all)`);
    assert.equal((await call(client, 'get_scenario_details', { test_id: ids[0] })).testDescription, long);
  } finally {
    await client.close();
    for (const id of ids) await admin.deleteScenario(id);
  }
});
