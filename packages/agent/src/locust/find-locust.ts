/**
 * Finds the `locust` program, installing Debian's `python3-locust` with apt-get when it is
 * missing and this process is root (as the set-up does); otherwise a clear error says how to
 * install it. `DLT_LOCUST` names a program to use instead.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { DltError, ErrorCode } from '@dlt/model';

const run = promisify(execFile);
const hint =
  'install Debian package python3-locust (apt-get install -y python3-locust) or set DLT_LOCUST to a locust program';

let found: Promise<string> | undefined;

/** The path of a runnable `locust`; installs it once per process when it can. */
export function findLocust(log: (line: string) => void = () => {}): Promise<string> {
  found ??= locate(log).catch((e) => {
    found = undefined;
    throw e;
  });
  return found;
}

async function locate(log: (line: string) => void): Promise<string> {
  const given = process.env.DLT_LOCUST;
  if (given) {
    if (executable(given)) return given;
    throw new DltError(ErrorCode.Internal, `DLT_LOCUST=${given} is not an executable file`);
  }
  const onPath = searchPath('locust');
  if (onPath) return onPath;
  if (process.getuid?.() !== 0) {
    throw new DltError(ErrorCode.Internal, `Locust is not installed (no locust program on PATH): ${hint}`);
  }
  log('Locust is missing; installing Debian package python3-locust');
  await install();
  const installed = searchPath('locust') ?? (executable('/usr/bin/locust') ? '/usr/bin/locust' : undefined);
  if (!installed)
    throw new DltError(ErrorCode.Internal, `apt-get installed python3-locust but no locust program was found`);
  return installed;
}

async function install(): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another process may be installing at the same moment: wait for dpkg's lock, not fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const opts = { env, maxBuffer: 64 << 20, timeout: 900_000 };
  try {
    await run('apt-get', [...lock, 'update'], opts);
    const policy = await run('apt-cache', ['policy', 'python3-locust'], opts);
    if (!/Candidate:\s*(?!\(none\))\S+/.test(policy.stdout)) {
      throw new Error('apt has no python3-locust candidate (is Debian bookworm or later in the sources?)');
    }
    await run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', 'python3-locust'], opts);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new DltError(ErrorCode.Internal, `installing python3-locust failed (${hint}):\n${err.stderr || err.message}`);
  }
}

function searchPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (executable(p)) return p;
  }
  return undefined;
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
