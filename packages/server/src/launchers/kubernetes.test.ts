/**
 * The kubernetes launcher passes the launcher contract against a loopback Kubernetes API fake,
 * through the real `@kubernetes/client-node` and a kubeconfig; the fake plays the kubelet, so the
 * Job's pods really run `dlt agent` with the env and args the Job gives them. Beside the
 * contract: the Job's shape, and a pod that cannot start failing the run with its reason.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dumpYaml, loadYaml } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { testServer } from '../test-kit.ts';
import { KubernetesFake } from './kubernetes-fake.ts';
import { agentJob, agentJobName } from './kubernetes-job.ts';
import { contractRegion, launcherContract } from './launcher.contract.ts';
import { countingTarget, ended, runDlt, seedTest, until, untilStatus } from './launcher-test-kit.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlt-k8s-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const forbidden = 'jobs.batch is forbidden: User "system:serviceaccount:dlt:dlt" cannot create resource "jobs"';

/** A fake and a launcher configuration for region `contract` pointing at it. */
async function k8s(runPods: boolean) {
  const fake = await KubernetesFake.start();
  const kubeconfig = fake.writeKubeconfig(join(dir, `kubeconfig-${Date.now()}-${Math.random()}`), 'loadtest');
  // The image's entrypoint is `dlt`: a pod runs `dlt <args>` with the container's env.
  if (runPods) fake.runPods((pod) => runDlt([...(pod.command ?? []), ...pod.args], pod.env));
  const config = {
    regions: {
      [contractRegion]: {
        type: 'kubernetes' as const,
        image: 'registry.example.com/dlt-agent:test',
        kubeconfig,
        labels: { team: 'perf' },
        resources: { requests: { cpu: '500m', memory: '256Mi' } },
        pollMs: 200,
      },
    },
  };
  return { fake, config };
}

launcherContract('kubernetes', async (mode) => {
  const { fake, config } = await k8s(mode === 'agents');
  if (mode === 'failing') fake.fail('POST', /\/jobs$/, 403, forbidden);
  return {
    config,
    // the API server's own status and message
    failureMessage: `403 ${forbidden}`,
    async assertCleanedUp(runId, taskCount) {
      await until(
        'the Job, its pods and the Secret to be deleted',
        () => fake.jobs.size + fake.secrets.size + fake.pods.size === 0,
      );
      const name = agentJobName(runId, contractRegion);
      const deletes = fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path + r.query);
      assert.ok(
        deletes.includes(`/apis/batch/v1/namespaces/loadtest/jobs/${name}?propagationPolicy=Background`),
        deletes.join(),
      );
      assert.ok(deletes.includes(`/api/v1/namespaces/loadtest/secrets/${name}`), deletes.join());
      if (mode === 'failing') return;
      const job = fake.created.find((j) => j.metadata.name === name)!;
      assert.equal(job.spec.parallelism, taskCount);
      assert.equal(job.spec.completions, taskCount);
      assert.equal(job.metadata.labels['dlt-run-id'], runId);
      assert.equal(job.spec.activeDeadlineSeconds, 5 * 3600, 'a leaked Job ends by itself');
    },
    dispose: () => fake.stop(),
  };
});

test('the Job is a valid batch/v1 Job: pods named per run, the token from the Secret, resources and labels', () => {
  const job = agentJob({
    runId: 'AbC123xyZ9',
    region: 'eu-west',
    taskCount: 4,
    namespace: 'dlt',
    image: 'dlt-agent:1',
    serverUrl: 'https://dlt.example.com',
    labels: { team: 'perf' },
    resources: { limits: { cpu: '2' } },
    serviceAccountName: 'dlt-agent',
    imagePullSecrets: ['regcred'],
  });
  assert.equal(job.apiVersion, 'batch/v1');
  assert.equal(job.kind, 'Job');
  assert.match(job.metadata.name, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
  assert.notEqual(
    job.metadata.name,
    agentJobName('abc123xyz9', 'eu-west'),
    'run ids differing in case get different Jobs',
  );
  const long = 'europe-west-production-cluster-load-generators-';
  assert.notEqual(
    agentJobName('AbC123xyZ9', `${long}a`),
    agentJobName('AbC123xyZ9', `${long}b`),
    'regions differing past the 63rd character get different Jobs',
  );
  assert.deepEqual([job.spec.parallelism, job.spec.completions, job.spec.backoffLimit], [4, 4, 0]);
  const pod = job.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  assert.deepEqual(pod.imagePullSecrets, [{ name: 'regcred' }]);
  assert.equal(pod.serviceAccountName, 'dlt-agent');
  const [c] = pod.containers;
  assert.deepEqual(c.args, ['agent', '--name', 'AbC123xyZ9.$(DLT_POD_NAME)', '--slots', '1']);
  assert.deepEqual(c.resources, { limits: { cpu: '2' } });
  const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
  assert.deepEqual(env.DLT_TOKEN.valueFrom, { secretKeyRef: { name: job.metadata.name, key: 'token' } });
  assert.equal(env.DLT_SERVER.value, 'https://dlt.example.com');
  assert.equal(env.DLT_REGION.value, 'eu-west');
  // $(DLT_POD_NAME) is expanded by Kubernetes only from a variable defined before its use.
  assert.ok(c.env.findIndex((e) => e.name === 'DLT_POD_NAME') === 0);
  // Typed by the official client (which drops fields its batch/v1 Job type does not know), then written back: nothing lost.
  assert.deepEqual(parse(dumpYaml(loadYaml(JSON.stringify(job)))), job);
  for (const labels of [job.metadata.labels, job.spec.template.metadata.labels]) {
    assert.equal(labels['dlt-run-id'], 'AbC123xyZ9');
    assert.equal(labels.team, 'perf');
  }
});

test('a pod that cannot start (ImagePullBackOff) fails the run with Kubernetes’ reason, and the Job is deleted', async () => {
  const { fake, config } = await k8s(false);
  const t = await testServer({ launchers: [], launcherConfig: config });
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, 'http://127.0.0.1:9/', 2, { iterations: 1 }),
    });
    await until('the pods', () => fake.pods.size === 2);
    const [pod] = fake.pods.keys();
    fake.setWaiting(pod, 'ImagePullBackOff', 'Back-off pulling image "registry.example.com/dlt-agent:test"');
    const done = await untilStatus(t, created.body.testId, ended, 20_000);
    assert.equal(done.status, 'failed');
    assert.match(
      done.errorReason,
      /region contract \(Kubernetes Job loadtest\/dlt-.*\) failed: pod .*: ImagePullBackOff: Back-off pulling image/,
    );
    await until('the Job to be deleted', () => fake.jobs.size === 0 && fake.secrets.size === 0);
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('the agent token lives as long as the run: the Secret holds a token the server accepts, revoked at the end', async () => {
  const { fake, config } = await k8s(true);
  const t = await testServer({ launchers: [], launcherConfig: config });
  await using target = await countingTarget();
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, target.url, 1, { holdFor: '30s' }),
    });
    await until('the Secret', () => fake.secrets.size === 1);
    const [secret] = fake.secrets.values();
    const token = secret.stringData.token as string;
    assert.equal((await t.fetch('GET', '/api/scenarios', { token })).status, 403, 'an agent token only runs tasks');
    await untilStatus(t, created.body.testId, (s) => s === 'running');
    await t.call('POST', `/api/scenarios/${created.body.testId}`, { token: 'editor' });
    await untilStatus(t, created.body.testId, ended);
    // A late agent with the run's token is now refused.
    const late = runDlt(['agent', '--name', 'late'], {
      DLT_SERVER: t.server.url,
      DLT_TOKEN: token,
      DLT_REGION: contractRegion,
    });
    assert.equal(await late.exited, 1);
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('a cancel while the Job is being created leaves nothing behind: the Job created after it is deleted too', async () => {
  const { fake, config } = await k8s(false);
  // A slow API server: the Job is created well after the cancel's clean-up ran.
  fake.delay('POST', /\/jobs$/, 1_500);
  const t = await testServer({ launchers: [], launcherConfig: config });
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, 'http://127.0.0.1:9/', 2, { iterations: 1 }),
    });
    await until('the Secret', () => fake.secrets.size === 1);
    await t.call('POST', `/api/scenarios/${created.body.testId}`, { token: 'editor' });
    const done = await untilStatus(t, created.body.testId, ended);
    assert.equal(done.status, 'cancelled');
    await until('the Job to be created', () => fake.created.length === 1);
    await until('the Job and Secret to be deleted', () => fake.jobs.size + fake.secrets.size + fake.pods.size === 0);
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('an API server error (500) fails the run with its message', async () => {
  const { fake, config } = await k8s(true);
  fake.fail('POST', /\/secrets$/, 500, 'etcdserver: request timed out');
  const t = await testServer({ launchers: [], launcherConfig: config });
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, 'http://127.0.0.1:9/', 1, { iterations: 1 }),
    });
    const done = await untilStatus(t, created.body.testId, ended);
    assert.equal(done.status, 'failed');
    assert.match(
      done.errorReason,
      /region contract: the Kubernetes API refused to create Secret dlt-.*: 500 etcdserver: request timed out/,
    );
    assert.equal(fake.created.length, 0, 'no Job without its Secret');
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('after a restart the server still cleans up: a run that cannot resume fails, its Job, Secret and token go', async () => {
  const { fake, config } = await k8s(true);
  const dataDir = await mkdtemp(join(dir, 'data-'));
  await using target = await countingTarget();
  const first = await testServer({ dataDir, launchers: [], launcherConfig: config });
  const created = await first.call('POST', '/api/scenarios', {
    token: 'editor',
    body: seedTest(contractRegion, target.url, 1, { holdFor: '60s' }),
  });
  const { testId } = created.body;
  await untilStatus(first, testId, (s) => s === 'running');
  const token = [...fake.secrets.values()][0].stringData.token as string;
  await first.close();
  assert.equal(fake.jobs.size, 1, 'a server that stops leaves its runs’ Jobs running');
  // The new server listens elsewhere, so the pods' agents never come back: the run fails.
  const second = await testServer({ dataDir, launchers: [], launcherConfig: config, timing: { recoveryGraceMs: 500 } });
  try {
    const done = await untilStatus(second, testId, ended);
    assert.equal(done.status, 'failed');
    await until('the Job and Secret to be deleted', () => fake.jobs.size + fake.secrets.size + fake.pods.size === 0);
    assert.equal((await second.fetch('GET', '/api/agents', { token })).status, 401, 'the run’s token is revoked');
  } finally {
    await second.close();
    await fake.stop();
  }
});

test('a restart mid-run at the same address: the pods’ agents come back, the run completes with every request counted, then the Job goes', async () => {
  const { fake, config } = await k8s(true);
  const dataDir = await mkdtemp(join(dir, 'data-'));
  await using target = await countingTarget();
  const port = await freePort();
  const first = await testServer({ dataDir, port, launchers: [], launcherConfig: config });
  const created = await first.call('POST', '/api/scenarios', {
    token: 'editor',
    body: seedTest(contractRegion, target.url, 2, { holdFor: '4s' }),
  });
  const { testId } = created.body;
  await untilStatus(first, testId, (s) => s === 'running');
  await first.close();
  const second = await testServer({ dataDir, port, launchers: [], launcherConfig: config });
  try {
    const done = await untilStatus(second, testId, ended, 60_000);
    assert.equal(done.status, 'complete', done.errorReason);
    assert.equal(done.results.total.throughput, target.hits, 'every request the target saw is in the result');
    await until('the Job and Secret to be deleted', () => fake.jobs.size + fake.secrets.size + fake.pods.size === 0);
  } finally {
    await second.close();
    await fake.stop();
  }
});

/** A loopback port free now, so a restarted server can listen where its agents dial. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}
