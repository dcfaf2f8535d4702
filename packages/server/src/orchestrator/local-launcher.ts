/**
 * The local launcher serves region `local`: one `dlt agent` child process per task, started
 * with a command the CLI hands over as an argv array (so the server never imports the CLI),
 * stopped with SIGTERM (SIGKILL if it lingers) when the run ends. An agent's output goes to a
 * log file, not a pipe, so an agent outlives a crashed server, finishes its task and uploads
 * its result to the server that comes back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord, TaskRecord } from '../store/store.ts';
import type { AgentExit, Launcher } from './launcher.ts';

export interface LocalLauncherOptions {
  /**
   * The agent command up to its own flags, e.g. `[node, bin.ts, 'agent', '--server', url, '--token', t]`;
   * a function when the server's address is known only once it listens.
   */
  readonly command: readonly string[] | (() => readonly string[]);
  readonly region?: string;
  readonly maxTasks?: number;
  /** Extra environment for the agents. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long a stopped agent may take before SIGKILL, ms. */
  readonly killAfterMs?: number;
  /** Where each agent's log goes (`<taskId>.log`); default a folder under the system's temp. */
  readonly logDir?: string;
}

interface Child {
  readonly proc: ChildProcess;
  readonly name: string;
  readonly logFile: string;
  stopping: boolean;
}

/** The last `bytes` of a file, as text ('' when it cannot be read). */
function tail(file: string, bytes = 2000): string {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(Math.min(size, bytes));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    closeSync(fd);
    return buf.toString('utf8');
  } catch {
    return '';
  }
}

export class LocalLauncher implements Launcher {
  readonly regions: readonly string[];
  readonly maxTasks: number;
  readonly #o: LocalLauncherOptions;
  readonly #children = new Map<string, Set<Child>>();
  readonly #exitListeners: ((e: AgentExit) => void)[] = [];

  constructor(options: LocalLauncherOptions) {
    this.#o = options;
    this.regions = [options.region ?? 'local'];
    this.maxTasks = options.maxTasks ?? 50;
  }

  onExit(fn: (exit: AgentExit) => void): void {
    this.#exitListeners.push(fn);
  }

  async launch(run: RunRecord, region: string, tasks: readonly TaskRecord[]): Promise<void> {
    const set = this.#children.get(run.runId) ?? new Set<Child>();
    this.#children.set(run.runId, set);
    const command = typeof this.#o.command === 'function' ? this.#o.command() : this.#o.command;
    if (command.length === 0) throw new Error('the local launcher has no agent command');
    const [file, ...args] = command;
    const logDir = this.#o.logDir ?? join(tmpdir(), 'dlt-agents');
    mkdirSync(logDir, { recursive: true });
    for (const task of tasks) {
      const logFile = join(logDir, `${task.taskId}.log`);
      const out = openSync(logFile, 'a');
      const proc = spawn(file, [...args, '--region', region, '--name', task.taskId, '--slots', '1'], {
        stdio: ['ignore', out, out],
        env: { ...process.env, ...this.#o.env },
      });
      closeSync(out);
      const child: Child = { proc, name: task.taskId, logFile, stopping: false };
      set.add(child);
      proc.on('error', () => {});
      proc.on('close', (code, signal) => this.#exited(run.runId, child, code, signal));
    }
  }

  #exited(runId: string, child: Child, code: number | null, signal: string | null): void {
    this.#children.get(runId)?.delete(child);
    if (child.stopping) return;
    const stderrTail = tail(child.logFile).trim().split('\n').slice(-3).join('\n');
    for (const fn of this.#exitListeners) fn({ runId, name: child.name, code, signal, stderrTail });
  }

  async stop(runId: string): Promise<void> {
    const set = this.#children.get(runId);
    if (!set) return;
    this.#children.delete(runId);
    await Promise.all([...set].map((c) => this.#kill(c)));
  }

  #kill(child: Child): Promise<void> {
    child.stopping = true;
    const { proc } = child;
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), this.#o.killAfterMs ?? 3_000);
      proc.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#children.keys()].map((id) => this.stop(id)));
  }
}
