/**
 * The benchmark target: a private nginx (one worker, `return 200 "ok\n"`) on a free loopback
 * port, configured in a temporary folder and pinned to one CPU, never the system service.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseProcStat, procCpuSeconds } from './measure.ts';

/** A running nginx: where it listens and how much CPU its worker has used. */
export interface NginxTarget {
  readonly url: string;
  readonly port: number;
  readonly workerPid: number;
  /** CPU seconds (user + sys) of the worker so far, from /proc. */
  workerCpuSeconds(): Promise<number>;
  /** Stops nginx and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

/** The whole configuration; every path nginx writes sits under `dir`. */
export function nginxConfig(dir: string, port: number): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${dir}/${k};`);
  return [
    'worker_processes 1;',
    'daemon off;',
    // Room for the 10,000-connection suite (the hard limit here is 20,000 descriptors).
    'worker_rlimit_nofile 20000;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events { worker_connections 16384; }',
    'http {',
    '  access_log off;',
    '  keepalive_requests 100000000;',
    ...temp,
    '  server {',
    // A deep accept queue, so the 10,000-connection storm is not throttled by SYN retries.
    `    listen 127.0.0.1:${port} backlog=4096;`,
    '    location / { return 200 "ok\\n"; }',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Starts the `nginx` binary pinned to `cpu` with its files in `dir`; resolves once it accepts connections. */
export async function startNginx(nginx: string, dir: string, cpu: number): Promise<NginxTarget> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, nginxConfig(dir, port));
  // Its own process group, so a Ctrl-C reaches the harness first and the harness stops nginx.
  const child = spawn('taskset', ['-c', String(cpu), nginx, '-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const stop = stopper(child, exited);
  try {
    await waitForPort(port, child);
    const workerPid = await findChild(child.pid!);
    return {
      url: `http://127.0.0.1:${port}/`,
      port,
      workerPid,
      workerCpuSeconds: () => procCpuSeconds(workerPid),
      stop,
    };
  } catch (e) {
    await stop();
    const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
    throw new Error(`nginx did not start: ${(e as Error).message}\n${stderr}${log}`.trim());
  }
}

function stopper(child: ChildProcess, exited: Promise<void>): () => Promise<void> {
  // The whole process group (nginx was started detached, so it leads one): killing the master
  // alone would leave its worker running, still listening.
  const killNow = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  // Even if the harness dies of an uncaught error, nginx must not outlive it.
  process.once('exit', killNow);
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM'); // nginx: fast shutdown
      const killed = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
      if (killed) killNow();
    }
    await exited;
    process.removeListener('exit', killNow);
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after 5 s`);
}

/** The worker's pid: the one process whose parent is the nginx master. */
async function findChild(parent: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    for (const name of await readdir('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined);
      if (stat !== undefined && parseProcStat(stat).ppid === parent) return Number(name);
    }
    await sleep(50);
  }
  throw new Error(`no worker process under nginx master ${parent}`);
}
