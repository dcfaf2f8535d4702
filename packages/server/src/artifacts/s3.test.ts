/**
 * The S3 implementation passes the artifacts contract against a loopback S3 fake (the real AWS
 * SDK client over HTTP), keeps installations apart by key prefix, pages lists and batch
 * deletes, and is chosen by the environment's settings.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DltError } from '@dlt/model';
import { artifactsContract } from './artifacts.contract.ts';
import { FileArtifacts } from './file-artifacts.ts';
import { artifactsConfigFromEnv, openArtifacts } from './open-artifacts.ts';
import { S3Artifacts } from './s3-artifacts.ts';
import { fakeCredentials, type S3Fake, startS3Fake } from './s3-fake.ts';

let fake: S3Fake;
before(async () => {
  fake = await startS3Fake();
});
after(() => fake?.stop());

const bytes = (s: string) => new TextEncoder().encode(s);

/** A fresh bucket for one test, emptied and deleted after it. */
async function bucket(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const name = await fake.createBucket();
  t.after(async () => {
    await new S3Artifacts({ client: fake.client, bucket: name }).deletePrefix('');
    await fake.deleteBucket(name);
  });
  return name;
}

artifactsContract('s3', async () => {
  const name = await fake.createBucket();
  const artifacts = new S3Artifacts({ client: fake.client, bucket: name });
  return {
    artifacts,
    dispose: async () => {
      await artifacts.deletePrefix('');
      await fake.deleteBucket(name);
    },
  };
});

test('s3 artifacts: a key prefix keeps installations sharing a bucket apart', async (t) => {
  const name = await bucket(t);
  const a = new S3Artifacts({ client: fake.client, bucket: name, prefix: 'one/' });
  const b = new S3Artifacts({ client: fake.client, bucket: name, prefix: 'two/dlt/' });
  await a.put('tests/t1/x', bytes('a'));
  await b.put('tests/t1/x', bytes('bb'));
  assert.deepEqual(await a.list(''), [{ key: 'tests/t1/x', size: 1 }]);
  assert.deepEqual(await b.list('tests/'), [{ key: 'tests/t1/x', size: 2 }]);
  const raw = await fake.client.send(new ListObjectsV2Command({ Bucket: name }));
  assert.deepEqual(raw.Contents?.map((o) => o.Key).sort(), ['one/tests/t1/x', 'two/dlt/tests/t1/x']);
  assert.equal(await a.deletePrefix(''), 1);
  assert.equal(new TextDecoder().decode(await b.get('tests/t1/x')), 'bb');
  for (const prefix of ['noslash', '/abs/', 'a//', '../x/']) {
    assert.throws(() => new S3Artifacts({ client: fake.client, bucket: name, prefix }), /bad S3 key prefix/, prefix);
  }
});

test('s3 artifacts: list and deletePrefix follow continuation tokens across pages', async (t) => {
  const name = await bucket(t);
  const a = new S3Artifacts({ client: fake.client, bucket: name, pageSize: 2 });
  const keys = ['runs/r1/a', 'runs/r1/b', 'runs/r1/c', 'runs/r1/d/e', 'runs/r1/f', 'runs/r2/a'];
  await Promise.all(keys.map((k) => a.put(k, bytes(k))));
  assert.deepEqual(
    (await a.list('runs/r1/')).map((i) => i.key),
    keys.slice(0, 5),
  );
  assert.equal(await a.deletePrefix('runs/r1/'), 5);
  assert.deepEqual(await a.list(''), [{ key: 'runs/r2/a', size: 9 }]);
});

test('openArtifacts: a bucket from the environment, files under the data folder otherwise', async (t) => {
  const name = await bucket(t);
  const dataDir = await mkdtemp(join(tmpdir(), 'dlt-open-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  // The SDK's own credential chain reads these, as it would on a real installation.
  process.env.AWS_ACCESS_KEY_ID = fakeCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = fakeCredentials.secretAccessKey;
  const env = { DLT_S3_BUCKET: name, DLT_S3_ENDPOINT: fake.endpoint, DLT_S3_PREFIX: 'inst' };
  const s3 = await openArtifacts(artifactsConfigFromEnv(env, dataDir));
  assert.ok(s3 instanceof S3Artifacts);
  await s3.put('a/b', bytes('1'));
  const raw = await fake.client.send(new ListObjectsV2Command({ Bucket: name }));
  assert.deepEqual(
    raw.Contents?.map((o) => o.Key),
    ['inst/a/b'],
  );
  assert.ok((await openArtifacts(artifactsConfigFromEnv({}, dataDir))) instanceof FileArtifacts);
  await assert.rejects(
    openArtifacts(artifactsConfigFromEnv({ ...env, DLT_S3_BUCKET: 'no-such-bucket' }, dataDir)),
    /cannot use S3 bucket "no-such-bucket": it does not exist/,
  );
});

test('artifactsConfigFromEnv: reads every setting and reports every bad one', () => {
  const cases: [string, NodeJS.ProcessEnv, unknown][] = [
    ['no bucket: files', { DLT_S3_ENDPOINT: 'http://x:9000' }, { dataDir: '/d' }],
    [
      'AWS defaults',
      { DLT_S3_BUCKET: 'b', AWS_REGION: 'eu-west-3' },
      { dataDir: '/d', s3: { bucket: 'b', prefix: '', region: 'eu-west-3', forcePathStyle: false } },
    ],
    [
      'an endpoint turns path style on; the prefix gains its slash',
      { DLT_S3_BUCKET: 'b', DLT_S3_ENDPOINT: 'http://minio:9000', DLT_S3_PREFIX: 'a/b' },
      {
        dataDir: '/d',
        s3: { bucket: 'b', prefix: 'a/b/', region: 'us-east-1', forcePathStyle: true, endpoint: 'http://minio:9000' },
      },
    ],
    [
      'explicit region and path style win',
      { DLT_S3_BUCKET: 'b', DLT_S3_REGION: 'auto', AWS_REGION: 'x', DLT_S3_FORCE_PATH_STYLE: 'TRUE' },
      { dataDir: '/d', s3: { bucket: 'b', prefix: '', region: 'auto', forcePathStyle: true } },
    ],
  ];
  for (const [name, env, expected] of cases) assert.deepEqual(artifactsConfigFromEnv(env, '/d'), expected, name);
  const bad = {
    DLT_S3_BUCKET: 'b',
    DLT_S3_ENDPOINT: 'minio:9000',
    DLT_S3_FORCE_PATH_STYLE: 'maybe',
    DLT_S3_PREFIX: '../x',
  };
  assert.throws(
    () => artifactsConfigFromEnv(bad, '/d'),
    (e: unknown) =>
      DltError.is(e) &&
      e.problems.map((p) => p.field).join() === 'DLT_S3_ENDPOINT,DLT_S3_FORCE_PATH_STYLE,DLT_S3_PREFIX',
  );
});
