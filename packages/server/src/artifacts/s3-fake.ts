/**
 * A loopback S3 for tests: s3rver in a child process (its list continuation tokens use DES,
 * which Node's OpenSSL 3 offers only under the process-wide `--openssl-legacy-provider` flag, so
 * it gets a process of its own), its objects in a temporary folder, and an S3 client for it.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** s3rver's built-in key pair. */
export const fakeCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3Fake {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** A path-style client for the fake. */
  readonly client: S3Client;
  /** Creates an empty bucket with a fresh name and returns the name. */
  createBucket(): Promise<string>;
  /** Deletes an (emptied) bucket. */
  deleteBucket(name: string): Promise<void>;
  /** Stops the fake and removes its folder. */
  stop(): Promise<void>;
}

/** Starts the fake; call `stop()` in `after`. */
export async function startS3Fake(): Promise<S3Fake> {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-s3-'));
  const child = fork(join(import.meta.dirname, 's3-fake-main.ts'), [dir], {
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the S3 fake exited (${code}) before listening`)));
  }).catch(async (e) => {
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: fakeCredentials });
  let count = 0;
  return {
    endpoint,
    client,
    async createBucket() {
      const name = `dlt-bucket-${++count}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async deleteBucket(name: string) {
      await client.send(new DeleteBucketCommand({ Bucket: name }));
    },
    async stop() {
      client.destroy();
      if (child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill(), 5_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
