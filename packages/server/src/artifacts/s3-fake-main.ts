/**
 * The child process of `s3-fake.ts`: runs s3rver (a fake S3 that speaks the S3 wire protocol)
 * on a free loopback port, storing under the folder given as argv[2]; tells its parent the port
 * and stops when the parent says so or goes away.
 */
import { createRequire } from 'node:module';

interface S3rverLike {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverLike;

// s3rver ships no types; this is the part of its API used here.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2] });
const { port } = await server.run();
process.send?.({ port });

const stop = () => {
  server.close().finally(() => process.exit(0));
};
process.on('message', stop);
process.on('disconnect', stop);
