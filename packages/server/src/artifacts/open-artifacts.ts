/**
 * Chooses where artifacts live from the configuration: an S3-compatible bucket when one is
 * named (`DLT_S3_BUCKET`), else files under `<data folder>/artifacts`. Credentials for S3 come
 * from the AWS SDK's usual chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, a profile, an
 * instance or task role), never from dlt's own settings.
 */
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { badInput, type Problem } from '@dlt/model';
import type { Artifacts } from './artifacts.ts';
import { FileArtifacts } from './file-artifacts.ts';
import { S3Artifacts } from './s3-artifacts.ts';

export interface S3Settings {
  readonly bucket: string;
  /** Key prefix inside the bucket, ending in `/` (e.g. `dlt/`); empty for the bucket's root. */
  readonly prefix: string;
  /** An S3-compatible service's address (MinIO, Ceph, R2…); AWS's own when absent. */
  readonly endpoint?: string;
  readonly region: string;
  /** `endpoint/bucket/key` addresses instead of `bucket.endpoint/key`; most non-AWS services need it. */
  readonly forcePathStyle: boolean;
}

export interface ArtifactsConfig {
  /** The data folder, home of file artifacts. */
  readonly dataDir: string;
  /** Set: artifacts go to this bucket. */
  readonly s3?: S3Settings;
}

const flags: Record<string, boolean> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };

/**
 * The artifact settings of the environment: `DLT_S3_BUCKET` (S3 when set), `DLT_S3_PREFIX`,
 * `DLT_S3_ENDPOINT`, `DLT_S3_REGION` (else `AWS_REGION`, `AWS_DEFAULT_REGION`, `us-east-1`),
 * `DLT_S3_FORCE_PATH_STYLE` (default: on when an endpoint is set). Every bad value is reported.
 */
export function artifactsConfigFromEnv(env: NodeJS.ProcessEnv, dataDir: string): ArtifactsConfig {
  const get = (name: string) => env[name]?.trim() || undefined;
  const bucket = get('DLT_S3_BUCKET');
  if (bucket === undefined) return { dataDir };
  const problems: Problem[] = [];
  const endpoint = get('DLT_S3_ENDPOINT');
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    problems.push({
      field: 'DLT_S3_ENDPOINT',
      message: 'must be an http:// or https:// URL',
      hint: 'http://minio:9000',
    });
  }
  const pathStyle = get('DLT_S3_FORCE_PATH_STYLE')?.toLowerCase();
  if (pathStyle !== undefined && !(pathStyle in flags)) {
    problems.push({ field: 'DLT_S3_FORCE_PATH_STYLE', message: 'must be true or false' });
  }
  let prefix = get('DLT_S3_PREFIX') ?? '';
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  if (!/^([A-Za-z0-9._-]+\/)*$/.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
    problems.push({ field: 'DLT_S3_PREFIX', message: 'must be /-separated names of letters, digits, . _ -' });
  }
  if (problems.length > 0) throw badInput(problems, 'bad S3 settings');
  const region = get('DLT_S3_REGION') ?? get('AWS_REGION') ?? get('AWS_DEFAULT_REGION') ?? 'us-east-1';
  const forcePathStyle = pathStyle === undefined ? endpoint !== undefined : flags[pathStyle];
  return { dataDir, s3: { bucket, prefix, region, forcePathStyle, ...(endpoint ? { endpoint } : {}) } };
}

/** An S3 client for the settings, with the SDK's default credential chain. */
export function s3ClientFor(s3: S3Settings): S3Client {
  return new S3Client({
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    // A bucket in another AWS region than configured still works (S3 says where it is).
    followRegionRedirects: true,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
  });
}

/** Opens the configured artifacts; an S3 bucket is checked to be reachable first. */
export async function openArtifacts(config: ArtifactsConfig): Promise<Artifacts> {
  if (config.s3 === undefined) return new FileArtifacts(join(config.dataDir, 'artifacts'));
  const s3 = config.s3;
  const client = s3ClientFor(s3);
  const artifacts = new S3Artifacts({ client, bucket: s3.bucket, prefix: s3.prefix });
  try {
    await artifacts.check();
  } catch (e) {
    client.destroy();
    throw e;
  }
  return artifacts;
}
