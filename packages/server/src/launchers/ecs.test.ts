/**
 * The ecs launcher passes the launcher contract against a loopback ECS fake that speaks the AWS
 * JSON 1.1 protocol and checks SigV4 signatures, through the real `ECSClient`; the fake runs each
 * task's container command as a real `dlt agent`. Beside the contract: RunTask in batches of 10
 * with StopTask for every task, a capacity failure, and a task that stops early.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testServer } from '../test-kit.ts';
import { EcsFake } from './ecs-fake.ts';
import { contractRegion, launcherContract } from './launcher.contract.ts';
import { countingTarget, ended, runDlt, seedTest, until, untilStatus } from './launcher-test-kit.ts';

const denied = 'User: arn:aws:iam::123456789012:user/dlt is not authorized to perform: ecs:RunTask';

/** A fake, the AWS credentials for it (the SDK's default chain reads them), and region `contract`'s configuration. */
async function ecs(run: 'agents' | 'none' | 'refused') {
  const fake = await EcsFake.start({ environment: { NODE_OPTIONS: '' } });
  process.env.AWS_ACCESS_KEY_ID = fake.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = fake.credentials.secretAccessKey;
  // The task definition's image has `dlt` as its entrypoint: a task runs `dlt <command>`.
  if (run !== 'none') {
    fake.runTasks((task) =>
      runDlt(task.command, run === 'refused' ? { ...task.env, DLT_TOKEN: 'dlt_wrong' } : task.env),
    );
  }
  const config = {
    regions: {
      [contractRegion]: {
        type: 'ecs' as const,
        cluster: 'dlt',
        taskDefinition: 'dlt-agent',
        subnets: ['subnet-0abc'],
        securityGroups: ['sg-0abc'],
        awsRegion: 'us-east-1',
        endpoint: fake.url,
        pollMs: 200,
      },
    },
  };
  return { fake, config };
}

launcherContract('ecs', async (mode) => {
  const { fake, config } = await ecs(mode === 'agents' ? 'agents' : 'none');
  if (mode === 'failing') fake.fail('RunTask', 400, 'AccessDeniedException', denied);
  return {
    config,
    failureMessage: `400 AccessDeniedException: ${denied}`,
    async assertCleanedUp(runId, taskCount) {
      const ran = fake.requests.filter((r) => r.operation === 'RunTask');
      const started = [...fake.tasks.values()].filter((t) => t.startedBy === runId);
      assert.equal(started.length, mode === 'failing' ? 0 : taskCount);
      // The run's end (after the drain time, for a failed one) stops each of its tasks.
      const stopped = () => new Set(fake.requests.filter((r) => r.operation === 'StopTask').map((r) => r.body.task));
      await until('a StopTask for every task', () => started.every((t) => stopped().has(t.taskArn)));
      assert.equal(fake.running().length, 0);
      if (mode === 'failing') return;
      const o = ran[0].body;
      assert.equal(o.launchType, 'FARGATE');
      assert.deepEqual(o.networkConfiguration.awsvpcConfiguration, {
        subnets: ['subnet-0abc'],
        securityGroups: ['sg-0abc'],
        assignPublicIp: 'DISABLED',
      });
      await until('every agent process to end', () =>
        [...fake.tasks.values()].every((t) => t.lastStatus === 'STOPPED'),
      );
    },
    dispose: () => fake.stop(),
  };
});

test('23 tasks: RunTask in batches of 10, 10 and 3, and a StopTask for each of the 23 when the run is cancelled', async () => {
  const { fake, config } = await ecs('none');
  const t = await testServer({ launchers: [], launcherConfig: config });
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, 'http://127.0.0.1:9/', 23, { iterations: 1 }),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await until('23 tasks', () => fake.tasks.size === 23);
    const counts = fake.requests.filter((r) => r.operation === 'RunTask').map((r) => r.body.count);
    assert.deepEqual(counts, [10, 10, 3]);
    const o = fake.requests.find((r) => r.operation === 'RunTask')!.body.overrides.containerOverrides[0];
    assert.equal(o.name, 'agent');
    const runId = [...fake.tasks.values()][0].startedBy;
    assert.deepEqual(o.command, ['agent', '--name', `${runId}.${contractRegion}`, '--slots', '1']);
    assert.deepEqual(
      o.environment.map((e: { name: string }) => e.name),
      ['DLT_SERVER', 'DLT_REGION', 'DLT_TOKEN'],
    );
    await t.call('POST', `/api/scenarios/${created.body.testId}`, { token: 'editor' });
    const done = await untilStatus(t, created.body.testId, ended);
    assert.equal(done.status, 'cancelled');
    await until('every task stopped', () => fake.running().length === 0);
    const stops = fake.requests.filter((r) => r.operation === 'StopTask');
    assert.equal(new Set(stops.map((r) => r.body.task)).size, 23);
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('no capacity: RunTask failures fail the run with ECS’s reason', async () => {
  const { fake, config } = await ecs('none');
  fake.failCapacity('RESOURCE:FARGATE');
  const t = await testServer({ launchers: [], launcherConfig: config });
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, 'http://127.0.0.1:9/', 2, { iterations: 1 }),
    });
    const done = await untilStatus(t, created.body.testId, ended);
    assert.equal(done.status, 'failed');
    assert.match(done.errorReason, /region contract: ECS started 0 of 2 task\(s\): RESOURCE:FARGATE/);
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('a partial RunTask (7 of 10 placed) fails the run with ECS’s reason, and the 7 that started are stopped', async () => {
  const { fake, config } = await ecs('none');
  fake.failCapacity('RESOURCE:MEMORY', 7);
  const t = await testServer({ launchers: [], launcherConfig: config });
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, 'http://127.0.0.1:9/', 12, { iterations: 1 }),
    });
    const done = await untilStatus(t, created.body.testId, ended);
    assert.equal(done.status, 'failed');
    assert.match(done.errorReason, /region contract: ECS started 7 of 10 task\(s\): RESOURCE:MEMORY \(3 tasks\)$/);
    assert.equal(fake.requests.filter((r) => r.operation === 'RunTask').length, 1, 'no second batch after a failure');
    assert.equal(fake.tasks.size, 7);
    await until('the 7 started tasks to be stopped', () => fake.running().length === 0);
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('a task that stops early (its agent refused) fails the run with the task’s stop reason', async () => {
  const { fake, config } = await ecs('refused');
  const t = await testServer({ launchers: [], launcherConfig: config });
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, 'http://127.0.0.1:9/', 1, { iterations: 1 }),
    });
    const done = await untilStatus(t, created.body.testId, ended, 30_000);
    assert.equal(done.status, 'failed');
    assert.match(
      done.errorReason,
      /ECS cluster dlt\) failed: ECS task arn:aws:ecs:.* stopped \(exit code 1\): Essential container/,
    );
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('a server error (500) is retried by the SDK, then fails the run with its message', async () => {
  const { fake, config } = await ecs('none');
  fake.fail('RunTask', 500, 'ServerException', 'Service unavailable, please retry');
  const t = await testServer({ launchers: [], launcherConfig: config });
  try {
    const created = await t.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, 'http://127.0.0.1:9/', 1, { iterations: 1 }),
    });
    const done = await untilStatus(t, created.body.testId, ended, 30_000);
    assert.equal(done.status, 'failed');
    assert.match(
      done.errorReason,
      /region contract: the ECS API refused to run 1 task\(s\) of dlt-agent: 500 ServerException: Service unavailable/,
    );
    assert.ok(fake.requests.filter((r) => r.operation === 'RunTask').length > 1, 'retried');
  } finally {
    await t.close();
    await fake.stop();
  }
});

test('after a restart the server still stops the run’s tasks (found by startedBy) and revokes its token', async () => {
  const { fake, config } = await ecs('agents');
  const dataDir = await mkdtemp(join(tmpdir(), 'dlt-ecs-data-'));
  await using target = await countingTarget();
  try {
    const first = await testServer({ dataDir, launchers: [], launcherConfig: config });
    const created = await first.call('POST', '/api/scenarios', {
      token: 'editor',
      body: seedTest(contractRegion, target.url, 3, { holdFor: '60s' }),
    });
    const { testId } = created.body;
    await untilStatus(first, testId, (s) => s === 'running');
    const o = fake.requests.find((r) => r.operation === 'RunTask')!.body.overrides.containerOverrides[0];
    const token = o.environment.find((e: { name: string }) => e.name === 'DLT_TOKEN').value as string;
    await first.close();
    assert.equal(fake.running().length, 3, 'a server that stops leaves its runs’ tasks running');
    const second = await testServer({
      dataDir,
      launchers: [],
      launcherConfig: config,
      timing: { recoveryGraceMs: 500 },
    });
    try {
      const done = await untilStatus(second, testId, ended);
      assert.equal(done.status, 'failed');
      await until('every task stopped', () => fake.running().length === 0);
      assert.ok(fake.requests.some((r) => r.operation === 'ListTasks' && r.body.startedBy === done.testRunId));
      assert.equal((await second.fetch('GET', '/api/agents', { token })).status, 401, 'the run’s token is revoked');
    } finally {
      await second.close();
    }
  } finally {
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
