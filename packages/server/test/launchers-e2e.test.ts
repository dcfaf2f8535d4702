/**
 * End to end through the command line: `dlt start --launchers FILE` with two regions — one
 * served by the kubernetes launcher (a loopback Kubernetes API fake that runs the Job's pods as
 * real `dlt agent` processes), one a pool that a real `dlt agent` dialled into — runs a test in
 * both regions with every request counted per region, and deletes the Job and its Secret after.
 * A bad launcher file stops `dlt start` with the file, line and field.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubernetesFake } from '../src/launchers/kubernetes-fake.ts';
import { countingTarget, dltBin, runDlt, type Target } from '../src/launchers/launcher-test-kit.ts';

const password = 'launchers-e2e-password';
let dir = '';
let fake: KubernetesFake;
let target: Target;
const procs: ChildProcess[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlt-launchers-e2e-'));
  fake = await KubernetesFake.start();
  fake.runPods((pod) => runDlt([...(pod.command ?? []), ...pod.args], pod.env));
  target = await countingTarget();
});

after(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('close', r)) : undefined)));
  await fake.stop();
  await target[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

/** `dlt start` with `args`; resolves with its URL, or rejects with what it printed when it exits. */
function start(data: string, args: string[]): Promise<string> {
  const proc = spawn(process.execPath, [dltBin, 'start', '--port', '0', '--data', join(dir, data), ...args], {
    env: { ...process.env, DLT_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  let out = '';
  proc.stdout!.on('data', (d) => {
    out += d;
  });
  proc.stderr!.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.once('close', (code) => reject(Object.assign(new Error(out), { code })));
  });
}

async function api(url: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the fields it asserts
  return { status: res.status, body: (await res.json()) as any };
}

test('dlt start --launchers: a run across a kubernetes region and a pool region completes, counted per region', async () => {
  const file = join(dir, 'launchers.yaml');
  await writeFile(
    file,
    `regions:
  k8s: { type: kubernetes, image: dlt-agent:e2e, namespace: loadtest, kubeconfig: ${fake.writeKubeconfig(join(dir, 'kubeconfig'))}, pollMs: 200 }
  pool-eu: { type: pool }
`,
  );
  const url = await start('data', ['--launchers', file]);
  const admin = (await api(url, 'POST', '/api/auth/login', undefined, { username: 'admin', password })).body.token;
  const agentToken = (await api(url, 'POST', '/api/tokens', admin, { name: 'pool', role: 'agent' })).body.token;
  const pool = runDlt(['agent', '--name', 'pool-agent'], {
    DLT_SERVER: url,
    DLT_TOKEN: agentToken,
    DLT_REGION: 'pool-eu',
  });
  procs.push(pool.proc);
  const regions = async () => (await api(url, 'GET', '/api/regions', admin)).body.regions;
  for (
    let i = 0;
    i < 100 &&
    !(await regions()).some((r: { region: string; agents: number }) => r.region === 'pool-eu' && r.agents === 1);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const launchers = Object.fromEntries(
    (await regions()).map((r: { region: string; launcher: string }) => [r.region, r.launcher]),
  );
  assert.deepEqual([launchers.k8s, launchers['pool-eu']], ['kubernetes', 'pool']);
  const created = await api(url, 'POST', '/api/scenarios', admin, {
    testName: 'two launchers',
    testDescription: 'a kubernetes region and a pool region',
    testType: 'simple',
    fileType: 'none',
    testTaskConfigs: [
      { region: 'k8s', taskCount: 2, concurrency: 1 },
      { region: 'pool-eu', taskCount: 1, concurrency: 1 },
    ],
    testScenario: {
      execution: [{ concurrency: 1, iterations: 5, scenario: 's' }],
      scenarios: { s: { requests: [{ url: target.url, method: 'GET' }] } },
    },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  let done: { status: string; errorReason?: string; results: Record<string, { throughput: number }> } | undefined;
  for (let i = 0; i < 600; i++) {
    const s = (await api(url, 'GET', `/api/scenarios/${created.body.testId}?history=false`, admin)).body;
    if (['complete', 'failed', 'cancelled'].includes(s.status)) {
      done = s;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(done?.status, 'complete', done?.errorReason);
  assert.equal(target.hits, 15);
  assert.equal(done!.results.k8s.throughput, 10);
  assert.equal(done!.results['pool-eu'].throughput, 5);
  assert.equal(fake.created.length, 1, 'one Job for the kubernetes region');
  for (let i = 0; i < 100 && fake.jobs.size + fake.secrets.size > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(fake.jobs.size + fake.secrets.size, 0, 'the Job and the Secret are deleted');
});

test('a bad launcher file stops dlt start, naming the file, line and field', async () => {
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'regions:\n  k8s:\n    type: kubernetes\n    namespace: dlt\n');
  const failed = await start('data-bad', ['--launchers', file]).then(
    () => assert.fail('started'),
    (e: Error & { code: number }) => e,
  );
  assert.notEqual(failed.code, 0);
  assert.match(failed.message, new RegExp(`${file.replace(/[.]/g, '\\.')}:3.*regions\\.k8s\\.image`));
});
