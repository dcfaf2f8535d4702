/**
 * Helpers of the remote-agent end-to-end tests: real `dlt agent` processes (optionally inside a
 * network namespace), a counting HTTP target, network namespaces joined to the host by a veth
 * pair, a relay that delays what passes through it, and polling. Everything a helper starts or creates is undone by the
 * `dispose` it returns, which tests register with `t.after`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const bin = join(import.meta.dirname, '..', '..', 'cli', 'src', 'bin.ts');

export interface AgentProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  /** What it wrote to stderr so far (its log lines). */
  log(): string;
  /** SIGKILL, and waits for the exit. */
  kill(): Promise<void>;
}

/** Starts `dlt agent` (in `netns` when given); stopped by the returned agent's `kill`. */
export function startAgent(o: {
  server: string;
  token: string;
  region: string;
  name: string;
  slots?: number;
  netns?: string;
  /** A scheduling priority (nice, -20…19; below 0 needs root): see `startAgent`'s callers. */
  nice?: number;
}): AgentProcess {
  const args = [bin, 'agent', '--server', o.server, '--token', o.token, '--region', o.region, '--name', o.name];
  if (o.slots) args.push('--slots', String(o.slots));
  let [cmd, argv]: [string, string[]] = [process.execPath, args];
  if (o.netns) [cmd, argv] = ['ip', ['netns', 'exec', o.netns, cmd, ...argv]];
  if (o.nice !== undefined) [cmd, argv] = ['nice', ['-n', String(o.nice), cmd, ...argv]];
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => {
    err = (err + d).slice(-20_000);
    if (process.env.DLT_E2E_LOG) process.stderr.write(`[agent ${o.name}] ${d}`);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    name: o.name,
    proc,
    log: () => err,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface CountingTarget {
  readonly url: string;
  hits(): number;
  close(): Promise<void>;
}

/** An HTTP target on `host` port 0 that counts the requests it answers. */
export async function countingTarget(host = '127.0.0.1'): Promise<CountingTarget> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls `probe` every 50 ms until it gives a value, or fails naming `what`. */
export async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A network namespace joined to the host by a veth pair: `hostIp` on the host end, `nsIp` inside. */
export interface Netns {
  readonly name: string;
  readonly hostIp: string;
  readonly nsIp: string;
  dispose(): Promise<void>;
}

/** Why network namespaces cannot be used here, or undefined when they can. */
export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = `dltp${process.pid % 100000}`;
  try {
    await run('ip', ['netns', 'add', probe]);
    await run('ip', ['netns', 'del', probe]);
  } catch (e) {
    return `ip netns does not work here: ${(e as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

/** A free /24 in 10.213.0.0/16 that no interface of the host uses, for the tests' /30s. */
export async function freeTestNet(): Promise<string> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  for (let i = 0; i < 50; i++) {
    const net = `10.213.${Math.floor(Math.random() * 250) + 1}`;
    if (!stdout.includes(` ${net}.`)) return net;
  }
  throw new Error('no free 10.213.x.0/24 for the test networks');
}

/**
 * Makes namespace `name` with a veth pair (`hostIp`/30 on the host end, `nsIp`/30 inside, the
 * host end as the namespace's default route) and its own `/etc/hosts` (`ip netns exec` mounts
 * `/etc/netns/NAME/hosts` over it), so one host name can lead each namespace somewhere else.
 * Interface names stay within 15 characters.
 */
export async function makeNetns(
  name: string,
  hostIp: string,
  nsIp: string,
  hosts: Readonly<Record<string, string>> = {},
): Promise<Netns> {
  const hostIf = `${name}h`;
  const nsIf = `${name}n`;
  const etc = join('/etc/netns', name);
  const steps: string[][] = [
    ['ip', 'netns', 'add', name],
    ['ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf],
    ['ip', 'link', 'set', nsIf, 'netns', name],
    ['ip', 'addr', 'add', `${hostIp}/30`, 'dev', hostIf],
    ['ip', 'link', 'set', hostIf, 'up'],
    ['ip', 'netns', 'exec', name, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsIf],
    ['ip', 'netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up'],
    ['ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'],
    ['ip', 'netns', 'exec', name, 'ip', 'route', 'add', 'default', 'via', hostIp],
  ];
  const dispose = async () => {
    // Deleting the namespace removes its end of the pair, and with it the host end.
    await run('ip', ['netns', 'del', name]).catch(() => {});
    await run('ip', ['link', 'del', hostIf]).catch(() => {});
    await rm(etc, { recursive: true, force: true });
    // /etc/netns itself too, unless something else keeps files there.
    await rmdir('/etc/netns').catch(() => {});
  };
  try {
    await mkdir(etc, { recursive: true });
    const lines = Object.entries(hosts).map(([host, ip]) => `${ip} ${host}`);
    await writeFile(join(etc, 'hosts'), ['127.0.0.1 localhost', ...lines, ''].join('\n'));
    for (const [cmd, ...args] of steps) await run(cmd, args);
  } catch (e) {
    await dispose();
    throw e;
  }
  return { name, hostIp, nsIp, dispose };
}

/**
 * A TCP relay on `host:port` to `to` that holds every chunk `delayMs` in each direction, so a
 * request through it takes `2 × delayMs` more — the delay a slow network link would add. (The
 * kernel's netem qdisc would do this on the veth itself, but kernels built without sch_netem,
 * like the one of this project's CI machines, cannot; a relay works on any.)
 */
export async function delayRelay(
  host: string,
  port: number,
  to: { host: string; port: number },
  delayMs: number,
): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const later = (from: Socket, into: Socket) =>
    from.on('data', (chunk) => {
      from.pause();
      // The same delay for every chunk keeps their order; pausing bounds what is held.
      setTimeout(() => {
        if (!into.destroyed) into.write(chunk);
        from.resume();
      }, delayMs);
    });
  const server = createNetServer((client) => {
    const upstream = connect(to.port, to.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    later(client, upstream);
    later(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
