/**
 * The launcher configuration: a YAML file with every kind of launcher is read as written; bad
 * ones are refused with every problem naming the file, line and field; DLT_LAUNCHERS may hold
 * inline JSON; and a configured server shows each region's launcher.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DltError } from '@dlt/model';
import { testServer } from '../test-kit.ts';
import { launchersConfigFrom, parseLaunchersConfig } from './launchers-config.ts';
import { openLaunchers } from './open-launchers.ts';

const good = `serverUrl: https://dlt.example.com
regions:
  local: { type: local, maxTasks: 20 }
  eu-west: { type: pool }
  k8s-eu:
    type: kubernetes
    namespace: dlt
    image: registry.example.com/dlt-agent:1
    resources: { requests: { cpu: 1, memory: 512Mi }, limits: { cpu: 0.5, memory: 1Gi } }
  us-east:
    type: ecs
    cluster: dlt
    taskDefinition: dlt-agent:3
    subnets: [subnet-1, subnet-2]
    securityGroups: [sg-1]
    assignPublicIp: true
    awsRegion: us-east-1
`;

test('a YAML configuration with every kind of launcher is read as written', () => {
  const c = parseLaunchersConfig(good, 'launchers.yaml');
  assert.equal(c.serverUrl, 'https://dlt.example.com');
  assert.deepEqual(Object.keys(c.regions), ['local', 'eu-west', 'k8s-eu', 'us-east']);
  assert.deepEqual(c.regions.local, { type: 'local', maxTasks: 20 });
  assert.equal(c.regions['k8s-eu'].type === 'kubernetes' && c.regions['k8s-eu'].resources?.limits?.memory, '1Gi');
  // Quantities as Kubernetes manifests write them: a bare number is a quantity too.
  assert.deepEqual(c.regions['k8s-eu'].type === 'kubernetes' && c.regions['k8s-eu'].resources, {
    requests: { cpu: '1', memory: '512Mi' },
    limits: { cpu: '0.5', memory: '1Gi' },
  });
  assert.equal(c.regions['us-east'].type === 'ecs' && c.regions['us-east'].subnets.length, 2);
});

const bad = `regions:
  k8s-eu:
    type: kubernetes
    namespace: Not_A_Name
  us-east:
    type: ecs
    cluster: dlt
    taskDefinition: dlt-agent
    subnets: []
    colour: blue
  EU: { type: pool }
  x: { type: nomad }
`;

test('every problem of a bad configuration is named with its file, line and field', () => {
  let err: DltError | undefined;
  try {
    parseLaunchersConfig(bad, 'launchers.yaml');
  } catch (e) {
    err = e as DltError;
  }
  assert.ok(err instanceof DltError, 'refused');
  const problems = err.problems.map((p) => `${p.file}:${p.line ?? '-'} ${p.field}`);
  for (const want of [
    'launchers.yaml:3 regions.k8s-eu.image',
    'launchers.yaml:4 regions.k8s-eu.namespace',
    'launchers.yaml:9 regions.us-east.subnets',
    'launchers.yaml:6 regions.us-east',
    'launchers.yaml:12 regions.x.type',
  ]) {
    assert.ok(problems.includes(want), `${want} in ${problems.join(', ')}`);
  }
  assert.ok(
    err.problems.some((p) => p.field === 'regions.us-east' && /colour/.test(p.message)),
    'unknown field named',
  );
  assert.ok(
    err.problems.some((p) => p.field === 'regions.k8s-eu.image' && p.message === 'is required (string)'),
    'a missing field is called required',
  );
  assert.ok(
    err.problems.some((p) => /region name/.test(p.message)),
    'the region name EU is refused',
  );
});

test('YAML that does not parse is refused with its line', () => {
  assert.throws(
    () => parseLaunchersConfig('regions:\n  a: { type: pool\n', 'l.yaml'),
    (e: DltError) => e.problems[0].file === 'l.yaml' && typeof e.problems[0].line === 'number',
  );
});

test('DLT_LAUNCHERS holds a path or inline JSON; --launchers wins; a missing file is named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-launchers-'));
  try {
    const file = join(dir, 'launchers.yaml');
    await writeFile(file, good);
    assert.equal(launchersConfigFrom(undefined, {}), undefined);
    assert.deepEqual(launchersConfigFrom(undefined, { DLT_LAUNCHERS: '{"regions":{"eu":{"type":"pool"}}}' })?.regions, {
      eu: { type: 'pool' },
    });
    assert.equal(launchersConfigFrom(file, { DLT_LAUNCHERS: '{"regions":{}}' })?.serverUrl, 'https://dlt.example.com');
    assert.throws(
      () => launchersConfigFrom(join(dir, 'nope.yaml'), {}),
      (e: DltError) => e.problems[0].file === join(dir, 'nope.yaml'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a configured server lists each region with its launcher; local stays the default for region local', async () => {
  const t = await testServer({
    launchers: [],
    agentCommand: [process.execPath, '-e', ''],
    launcherConfig: { regions: { 'eu-west': { type: 'pool', maxTasks: 7 } } },
  });
  try {
    const { regions } = (await t.call('GET', '/api/regions', { token: 'viewer' })).body;
    const by = Object.fromEntries(regions.map((r: { region: string }) => [r.region, r]));
    assert.equal(by['eu-west'].launcher, 'pool');
    assert.equal(by['eu-west'].maxTasks, 7);
    assert.equal(by.local.launcher, 'local');
  } finally {
    await t.close();
  }
});

test('a kubeconfig that cannot serve is bad input naming the field: missing, no such context, no cluster', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-launchers-'));
  const deps = {
    access: { serverUrl: () => 'http://127.0.0.1:9', issueToken: async () => 't', revokeTokens: async () => {} },
    agentCount: () => 0,
  };
  const open = (extra: Record<string, string>) =>
    openLaunchers({ regions: { k8s: { type: 'kubernetes', image: 'dlt-agent:1', ...extra } } }, deps);
  try {
    const noCluster = join(dir, 'no-cluster');
    await writeFile(noCluster, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const one = join(dir, 'one');
    await writeFile(
      one,
      `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "http://127.0.0.1:9" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: dev, context: { cluster: c, user: u } }]
current-context: dev
`,
    );
    for (const [extra, field, message] of [
      [{ kubeconfig: join(dir, 'nope') }, 'regions.k8s.kubeconfig', /cannot load .*nope: ENOENT/],
      [{ kubeconfig: noCluster }, 'regions.k8s.kubeconfig', /has no cluster for context/],
      [
        { kubeconfig: one, context: 'prod' },
        'regions.k8s.context',
        /no context prod in the kubeconfig \(it has: dev\)/,
      ],
    ] as const) {
      await assert.rejects(open(extra), (e: DltError) => {
        assert.ok(DltError.is(e) && e.code === 'DLT_ERR_BAD_INPUT', String(e));
        assert.equal(e.problems[0].field, field);
        assert.match(e.problems[0].message, message);
        return true;
      });
    }
    assert.equal((await open({ kubeconfig: one, context: 'dev' }))[0].kind, 'kubernetes');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an ECS region with no AWS region anywhere is bad input naming awsRegion; AWS_REGION is enough', async () => {
  const deps = {
    access: { serverUrl: () => 'http://127.0.0.1:9', issueToken: async () => 't', revokeTokens: async () => {} },
    agentCount: () => 0,
  };
  const config = {
    regions: {
      'us-east': { type: 'ecs' as const, cluster: 'dlt', taskDefinition: 'dlt-agent', subnets: ['subnet-1'] },
    },
  };
  const saved = { ...process.env };
  try {
    for (const k of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[k];
    process.env.AWS_CONFIG_FILE = '/nonexistent/dlt-aws-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/dlt-aws-credentials';
    await assert.rejects(openLaunchers(config, deps), (e: DltError) => {
      assert.equal(e.problems[0].field, 'regions.us-east.awsRegion');
      assert.match(e.problems[0].message, /no AWS region is known/);
      return true;
    });
    process.env.AWS_REGION = 'eu-west-1';
    const [ecs] = await openLaunchers(config, deps);
    assert.equal(ecs.kind, 'ecs');
    await ecs.close();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});
