/**
 * Finds the system tools the benchmark needs (nginx, wrk, GNU time) and installs the missing ones
 * from Debian's packages; a tool that cannot be had is reported with the reason, not thrown.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';

export const systemTools = ['nginx', 'wrk', 'time'] as const;
export type SystemTool = (typeof systemTools)[number];

/** Where a tool is, or why it is not there. */
export type Found = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

const binaries: Readonly<Record<SystemTool, { readonly bin: string; readonly pkg: string }>> = {
  nginx: { bin: 'nginx', pkg: 'nginx' },
  wrk: { bin: 'wrk', pkg: 'wrk' },
  // The shell's `time` keyword has no -v; the binary comes from Debian's `time` package.
  time: { bin: '/usr/bin/time', pkg: 'time' },
};

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a binary up on PATH and in the sbin folders (nginx lives in /usr/sbin). */
export async function which(bin: string): Promise<string | undefined> {
  if (bin.startsWith('/')) return (await executable(bin)) ? bin : undefined;
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs.filter((x) => x !== '')) {
    if (await executable(join(d, bin))) return join(d, bin);
  }
  return undefined;
}

/** Runs a command with a time limit; resolves to its exit code and the tail of its output. */
function run(cmd: string, args: readonly string[], timeoutS: number): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn('timeout', [String(timeoutS), cmd, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    let out = '';
    const keep = (b: Buffer) => {
      out = (out + b.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => resolve({ code: null, tail: e.message }));
    child.on('close', (code) => resolve({ code, tail: out.trim().split('\n').slice(-3).join(' / ') }));
  });
}

/** Finds every tool, installing the missing ones with apt-get (update once, then one install). */
export async function ensureTools(log: (line: string) => void): Promise<Readonly<Record<SystemTool, Found>>> {
  const lookup = async () =>
    Object.fromEntries(await Promise.all(systemTools.map(async (t) => [t, await which(binaries[t].bin)] as const)));
  let paths = await lookup();
  const missing = systemTools.filter((t) => paths[t] === undefined);
  let why = '';
  if (missing.length > 0) {
    const pkgs = missing.map((t) => binaries[t].pkg);
    log(`installing ${pkgs.join(', ')} with apt-get (once)`);
    // An install can still work from older package lists when the update fails (no network).
    const update = await run('apt-get', ['update', '-qq'], 300);
    const install = await run('apt-get', ['install', '-y', '-qq', ...pkgs], 600);
    if (install.code !== 0) {
      why = `apt-get install failed: ${install.tail}${update.code === 0 ? '' : `; apt-get update failed: ${update.tail}`}`;
      log(why);
    }
    paths = await lookup();
  }
  const found = (t: SystemTool): Found => {
    const path = paths[t];
    if (path !== undefined) return { ok: true, path };
    return { ok: false, reason: `${binaries[t].bin} not installed${why === '' ? '' : ` (${why})`}` };
  };
  return { nginx: found('nginx'), wrk: found('wrk'), time: found('time') };
}
