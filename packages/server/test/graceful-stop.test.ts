/**
 * A server stopped gracefully in the middle of a run stops its local agents with it: the run
 * ends `failed` with the reason (not `complete`, as if the agents had finished), keeps what they
 * measured, and stays so after the server starts again.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type RunningServer, startServer } from '../src/index.ts';
import { seedBody } from '../src/test-kit.ts';

const bin = join(import.meta.dirname, '..', '..', 'cli', 'src', 'bin.ts');
const adminPassword = 'graceful-admin-password';

async function call(server: RunningServer, method: string, path: string, token?: string, body?: unknown) {
  const res = await server.app.inject({
    method: method as 'GET',
    url: path,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: res.json() };
}

test('a graceful stop mid-run ends the run failed with the reason and keeps what was measured', async (t) => {
  let hits = 0;
  const target = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const dataDir = await mkdtemp(join(tmpdir(), 'dlt-graceful-'));
  t.after(async () => {
    target.closeAllConnections();
    target.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const open = () => startServer({ dataDir, port: 0, adminPassword, agentCommand: [process.execPath, bin, 'agent'] });
  let server = await open();
  const login = async () =>
    (await call(server, 'POST', '/api/auth/login', undefined, { username: 'admin', password: adminPassword })).body
      .token as string;
  let token = await login();
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  const body = seedBody(url, {
    testTaskConfigs: [{ region: 'local', taskCount: 2, concurrency: 2 }],
    testScenario: {
      execution: [{ concurrency: 2, 'hold-for': '60s', scenario: 's' }],
      scenarios: { s: { 'think-time': '10ms', requests: [url] } },
    },
  });
  const created = await call(server, 'POST', '/api/scenarios', token, body);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const { testId, testRunId } = created.body;
  for (let i = 0; i < 300 && hits < 50; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(hits >= 50, `the run is under way (${hits} requests)`);
  await server.close();

  server = await open();
  t.after(() => server.close());
  token = await login();
  const run = (await call(server, 'GET', `/api/scenarios/${testId}/testruns/${testRunId}`, token)).body;
  assert.equal(run.status, 'failed');
  assert.match(run.errorReason, /server was stopped during the run/);
  assert.ok(run.results.total.throughput > 0, 'what the agents measured is kept');
  assert.ok(run.results.total.throughput <= hits);
});
