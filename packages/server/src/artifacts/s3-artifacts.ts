/**
 * Artifacts in any S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …), under an optional key
 * prefix so one bucket can hold several installations. A PutObject replaces an object whole,
 * so readers see the old or the new bytes, never a mix, as the interface asks.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type ArtifactInfo, type Artifacts, isArtifactKey } from './artifacts.ts';

export interface S3ArtifactsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Prepended to every key, e.g. `dlt/`; empty or a valid key ending in `/`. */
  readonly prefix?: string;
  /** Keys per list page and per batch delete: S3's own limit (1000) unless a test asks for less. */
  readonly pageSize?: number;
}

function checkKey(key: string): void {
  if (!isArtifactKey(key)) throw new Error(`bad artifact key ${JSON.stringify(key)}`);
}

/** True for S3's "no such key" in either of its forms (GetObject's body, HeadObject's bare 404). */
function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}

export class S3Artifacts implements Artifacts {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #pageSize: number;

  constructor(options: S3ArtifactsOptions) {
    const prefix = options.prefix ?? '';
    if (prefix !== '' && !(prefix.endsWith('/') && isArtifactKey(prefix.slice(0, -1)))) {
      throw new Error(`bad S3 key prefix ${JSON.stringify(prefix)}: use path segments ending in "/", e.g. "dlt/"`);
    }
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = prefix;
    this.#pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
  }

  /** Fails with a clear message when the bucket cannot be reached with these credentials. */
  async check(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const why = status === 404 ? 'it does not exist' : status === 403 ? 'access denied' : (e as Error).message;
      throw new Error(`cannot use S3 bucket ${JSON.stringify(this.#bucket)}: ${why}`, { cause: e });
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    checkKey(key);
    await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key, Body: data }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<boolean> {
    checkKey(key);
    const Key = this.#prefix + key;
    // S3 deletes a missing key without complaint, so whether it existed takes a HEAD first.
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key }));
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key }));
    return true;
  }

  async list(prefix: string): Promise<ArtifactInfo[]> {
    const out: ArtifactInfo[] = [];
    for await (const page of this.#pages(prefix)) out.push(...page);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    // Each listed page (≤ 1000 keys) is one DeleteObjects call, S3's batch limit.
    for await (const page of this.#pages(prefix)) {
      if (page.length === 0) continue;
      const out = await this.#client.send(
        new DeleteObjectsCommand({
          Bucket: this.#bucket,
          Delete: { Objects: page.map((i) => ({ Key: this.#prefix + i.key })) },
        }),
      );
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(`S3 could not delete ${failed.length} keys, e.g. ${failed[0].Key}: ${failed[0].Message}`);
      }
      n += out.Deleted?.length ?? 0;
    }
    return n;
  }

  /** Every object under `prefix`, a page at a time, following continuation tokens. */
  async *#pages(prefix: string): AsyncGenerator<ArtifactInfo[]> {
    let token: string | undefined;
    do {
      const out = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#prefix + prefix,
          MaxKeys: this.#pageSize,
          ContinuationToken: token,
        }),
      );
      yield (out.Contents ?? []).map((o) => ({ key: (o.Key ?? '').slice(this.#prefix.length), size: o.Size ?? 0 }));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
}
