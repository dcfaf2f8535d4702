/**
 * A throwaway PostgreSQL for tests: Debian's `postgresql` package (installed when missing), a
 * cluster of its own in a temporary folder, on a free loopback port, with a fresh database per
 * fixture, stopped and removed afterwards. Nothing here is skipped: a machine that cannot run
 * PostgreSQL fails the tests that need it, with a message saying why.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const debianRoot = '/usr/lib/postgresql';

export interface PgTestServer {
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops a database made by `createDatabase`, closing its connections. */
  dropDatabase(url: string): Promise<void>;
  /** Stops the cluster and removes its folder. */
  stop(): Promise<void>;
}

/** The bin folder of the newest installed PostgreSQL server (Debian layout), if any. */
async function newestBin(): Promise<string | undefined> {
  const versions = await readdir(debianRoot).catch(() => [] as string[]);
  const usable: number[] = [];
  for (const v of versions.filter((v) => /^\d+$/.test(v))) {
    const ok = await run(join(debianRoot, v, 'bin', 'initdb'), ['--version']).then(
      () => true,
      () => false,
    );
    if (ok) usable.push(Number(v));
  }
  return usable.length > 0 ? join(debianRoot, String(Math.max(...usable)), 'bin') : undefined;
}

/** The folder of `initdb` and `pg_ctl`, installing Debian's package once when it is missing. */
async function postgresBin(): Promise<string> {
  const found = await newestBin();
  if (found) return found;
  const hint = 'install it with `apt-get install -y postgresql` (Debian) and run the tests again';
  if (process.getuid?.() !== 0) throw new Error(`PostgreSQL is not installed and the tests are not root: ${hint}`);
  process.stderr.write('pg-test-server: PostgreSQL is missing; installing Debian package postgresql\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another test file may be installing at the same moment: wait for dpkg's lock, not fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const opts = { env, maxBuffer: 64 << 20, timeout: 600_000 };
  try {
    await run('apt-get', [...lock, 'update'], opts);
    await run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', 'postgresql'], opts);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`installing PostgreSQL failed (${hint}):\n${err.stderr || err.message}`);
  }
  const installed = await newestBin();
  if (!installed) throw new Error(`apt-get installed postgresql but no initdb is under ${debianRoot}`);
  return installed;
}

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
function asServerUser(cmd: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, [...args]];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh folder the server's user owns (as root, the `postgres` user). */
async function clusterFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-pg-'));
  if (process.getuid?.() !== 0) return dir;
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
    await chown(dir, uid, gid);
    return dir;
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`cannot hand ${dir} to the postgres user (reinstall postgresql-common?): ${(e as Error).message}`);
  }
}

/** Runs `initdb`: trust on loopback (a private cluster), C locale, no fsync of the new files. */
async function initCluster(bin: string, dir: string, data: string): Promise<void> {
  const flags = ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
  const [cmd, args] = asServerUser(join(bin, 'initdb'), flags);
  await run(cmd, args, { cwd: dir, timeout: 60_000 }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`initdb failed: ${e.stderr || e.message}`);
  });
}

/** Starts the cluster on a free port; a port taken in between is retried with another. */
async function startCluster(bin: string, dir: string, data: string): Promise<number> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // Durability is not under test: without fsync, creating databases and committing is fast.
    const settings = ['listen_addresses=127.0.0.1', 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
    const opts = `-p ${port} -k ${dir} ${settings.map((c) => `-c ${c}`).join(' ')}`;
    const [cmd, args] = asServerUser(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      opts,
      'start',
    ]);
    try {
      await run(cmd, args, { cwd: dir, timeout: 30_000 });
      return port;
    } catch (e) {
      last = e;
    }
  }
  const log = await readFile(join(dir, 'log'), 'utf8').catch(() => '');
  throw new Error(`PostgreSQL did not start: ${(last as Error).message}\n${log.slice(-2000)}`);
}

/** Starts a private cluster; call `stop()` in `after`. */
export async function startPgTestServer(): Promise<PgTestServer> {
  const bin = await postgresBin();
  const dir = await clusterFolder();
  const data = join(dir, 'data');
  let port: number;
  try {
    await initCluster(bin, dir, data);
    port = await startCluster(bin, dir, data);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = new pg.Pool({ connectionString: url('postgres'), max: 2 });
  let count = 0;
  return {
    url,
    async createDatabase() {
      const name = `dlt_${process.pid}_${++count}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    async dropDatabase(dbUrl: string) {
      const name = new URL(dbUrl).pathname.slice(1);
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
    async stop() {
      await admin.end().catch(() => {});
      const [cmd, args] = asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await run(cmd, args, { cwd: dir }).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
