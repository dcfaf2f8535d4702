/**
 * What a benchmark run costs: a generator runs under `timeout`, `/usr/bin/time -v` and `taskset`,
 * so its CPU (user + sys) and peak RSS cover the whole process, start-up and shut-down included;
 * the target's CPU and the open connections are read from /proc.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** One process's resource use, as `/usr/bin/time -v` reports it. */
export interface ProcessCost {
  readonly userS: number;
  readonly sysS: number;
  readonly wallS: number;
  readonly maxRssKb: number;
  readonly exitStatus: number;
}

/** A command to run pinned to some CPUs (a taskset list such as `0` or `0,1`). */
export interface MeasuredCommand {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cpus: string;
  /** Hard limit on the whole process; it is killed after this. */
  readonly timeoutS: number;
  readonly cwd: string;
  /** Where the `/usr/bin/time` report goes (removed afterwards). */
  readonly scratchDir: string;
}

/** What a measured command printed and cost; `cost` is missing when the process was killed. */
export interface Measured {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly cost?: ProcessCost;
}

const timeFields = {
  userS: 'User time (seconds)',
  sysS: 'System time (seconds)',
  wallS: 'Elapsed (wall clock) time (h:mm:ss or m:ss)',
  maxRssKb: 'Maximum resident set size (kbytes)',
  exitStatus: 'Exit status',
} as const;

/** Parses the report of GNU `/usr/bin/time -v`; throws if a needed field is missing. */
export function parseTimeV(text: string): ProcessCost {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) values.set(line.slice(0, at).trim(), line.slice(at + 2).trim());
  }
  const field = (label: string): string => {
    const v = values.get(label);
    if (v === undefined) throw new Error(`/usr/bin/time report has no "${label}"`);
    return v;
  };
  return {
    userS: Number(field(timeFields.userS)),
    sysS: Number(field(timeFields.sysS)),
    wallS: clockSeconds(field(timeFields.wallS)),
    maxRssKb: Number(field(timeFields.maxRssKb)),
    exitStatus: Number(field(timeFields.exitStatus)),
  };
}

/** `1:02:03.5` or `0:03.10` as seconds. */
function clockSeconds(text: string): number {
  return text.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

/** utime + stime of a process from the text of `/proc/PID/stat`, in clock ticks. */
export function parseProcStat(text: string): { readonly utime: number; readonly stime: number; readonly ppid: number } {
  // The command name (field 2) may hold spaces and parentheses, so count fields after the last ')'.
  const rest = text
    .slice(text.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
}

/** Linux's USER_HZ, the unit of /proc/PID/stat times; 100 on every mainstream architecture. */
const clockTicksPerSecond = 100;

/** CPU seconds (user + sys) a live process has used so far. */
export async function procCpuSeconds(pid: number): Promise<number> {
  const s = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  return (s.utime + s.stime) / clockTicksPerSecond;
}

/**
 * Busy time of the whole machine, in clock ticks, from the text of /proc/stat: the first `cpu`
 * line without idle (4th) and iowait (5th); guest time is already inside user.
 */
export function busyTicks(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new Error('/proc/stat has no cpu line');
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + (steal ?? 0);
}

/** CPU seconds the whole machine has been busy since boot. */
export async function machineBusySeconds(): Promise<number> {
  return busyTicks(await readFile('/proc/stat', 'utf8')) / clockTicksPerSecond;
}

/**
 * Counts the client side of established TCP connections to a port, from the text of
 * /proc/net/tcp: rows whose remote port is `port` and state is 01 (ESTABLISHED).
 */
export function countEstablished(procNetTcp: string, port: number): number {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let n = 0;
  for (const line of procNetTcp.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[2]?.endsWith(hexPort) && cols[3] === '01') n++;
  }
  return n;
}

/** Established client connections to a loopback port right now. */
export async function establishedTo(port: number): Promise<number> {
  return countEstablished(await readFile('/proc/net/tcp', 'utf8'), port);
}

let nextReport = 0;

/** The child currently being measured, so an interrupt can end its whole process group. */
let current: { readonly pid: number } | undefined;

/** Ends the measured command that is running, if any (for Ctrl-C). */
export function killMeasured(): void {
  if (current === undefined) return;
  try {
    // `timeout` puts itself and the command in a process group of its own.
    process.kill(-current.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Runs `timeout -k 5 T /usr/bin/time -v -o FILE taskset -c CPUS cmd args…` and collects its
 * output and cost. Never rejects for the command's own failure: the caller reads `exitCode`.
 */
export async function measure(c: MeasuredCommand): Promise<Measured> {
  const report = join(c.scratchDir, `time-${process.pid}-${nextReport++}.txt`);
  const args = ['-k', '5', String(c.timeoutS), '/usr/bin/time', '-v', '-o', report, 'taskset', '-c', c.cpus];
  const child = spawn('timeout', [...args, c.cmd, ...c.args], { cwd: c.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) current = { pid: child.pid };
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
  current = undefined;
  let cost: ProcessCost | undefined;
  try {
    cost = parseTimeV(await readFile(report, 'utf8'));
  } catch {
    cost = undefined;
  }
  await rm(report, { force: true });
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode, cost };
}
