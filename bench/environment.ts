/** What the numbers were measured on: machine, kernel, Node and the version of every tool. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release } from 'node:os';

export interface Environment {
  readonly cpu: string;
  readonly cores: number;
  readonly kernel: string;
  readonly node: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** The first line a command prints on stdout or stderr, or `unknown`. */
function versionLine(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return text === '' ? 'unknown' : text.split('\n')[0];
}

function autocannonVersion(): string {
  const pkg = createRequire(import.meta.url).resolve('autocannon/package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
}

/** Describes this machine; `paths` are the resolved system tools (absent ones are left out). */
export function describeEnvironment(root: string, paths: { nginx?: string; wrk?: string }): Environment {
  const versions: Record<string, string> = { autocannon: autocannonVersion() };
  if (paths.nginx !== undefined)
    versions.nginx = versionLine(paths.nginx, ['-v']).replace(/^nginx version: nginx\//, '');
  // wrk has no version flag; its usage text starts with "wrk 4.1.0 [epoll] …" (Debian: "wrk debian/4.1.0-3 …").
  if (paths.wrk !== undefined) versions.wrk = versionLine(paths.wrk, ['-v']).split(' ')[1] ?? 'unknown';
  const rev = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const dirty = spawnSync('git', ['-C', root, 'status', '--porcelain', '--', 'packages'], { encoding: 'utf8' });
  versions.dlt = `${rev.stdout?.trim() || 'unknown'}${dirty.stdout?.trim() ? ' (+ uncommitted changes)' : ''}`;
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    kernel: release(),
    node: process.version,
    versions,
  };
}
