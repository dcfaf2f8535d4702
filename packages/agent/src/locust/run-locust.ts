/**
 * Runs a test's external load: one headless Locust process per `ExternalRun`, each in its own
 * process group, with our plugin (`dlt_locust_plugin.py`) loaded beside the user's locustfile.
 * The plugin writes one JSON line per request on file descriptor 3; each becomes a sample in
 * the sink, so Locust's requests go through the same histograms, snapshots, thresholds and
 * merge as the engine's. A locustfile Locust cannot load is bad input (its error shown); a
 * stop ends the process group (SIGTERM, then SIGKILL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SampleSink } from '@dlt/engine';
import { badInput, DltError, ErrorCode, type ExternalRun } from '@dlt/model';
import { findLocust } from './find-locust.ts';
import { type LocustLine, parseLocustLine, toSample } from './locust-lines.ts';

const pluginPath = fileURLToPath(new URL('./dlt_locust_plugin.py', import.meta.url));

/** Locust processes running now: killed with their groups if this process exits first (a second Ctrl-C). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});

/**
 * How long Locust may take to import the locustfiles before it is stopped (a loop at import
 * time): `DLT_LOCUST_LOAD_TIMEOUT` seconds, 30 by default, so an agent says why well before the
 * server's 60 s for a task to get ready.
 */
function loadTimeoutMs(): number {
  const s = Number(process.env.DLT_LOCUST_LOAD_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? Math.min(s, 3600) * 1000 : 30_000;
}
/** After SIGTERM, how long before SIGKILL on a cancel. */
const cancelGraceMs = 5_000;
/** Bytes of Locust's stderr kept for error messages. */
const stderrKept = 16_384;

export interface ExternalOptions {
  readonly sink: SampleSink;
  readonly signal?: AbortSignal;
  /** Start at this wall-clock instant (epoch ms) rather than at once. */
  readonly startAtEpochMs?: number;
  readonly onStart?: (epochMs: number) => void;
  /** Installing Locust, and at the end the exceptions the locustfile's tasks raised. */
  readonly log?: (line: string) => void;
}

/**
 * Runs every external run in parallel; resolves when all have ended. Each Locust is started at
 * once and loads its locustfile, then waits (our plugin holds it in Locust's init event) until
 * the common start plus its start time, so the load begins on time however long Python takes
 * to import, and a locustfile that cannot load is known before the start.
 */
export async function runExternal(
  runs: readonly ExternalRun[],
  options: ExternalOptions,
): Promise<{ readonly interrupted: boolean }> {
  const bin = await findLocust(options.log);
  const at = options.startAtEpochMs ?? Date.now();
  const users = runs.map(() => 0);
  const setUsers = (i: number, n: number) => {
    users[i] = n;
    options.sink.setVus(users.reduce((a, b) => a + b, 0));
  };
  const all = Promise.all(
    runs.map((run, i) => runLocust(bin, run, at + run.startTimeMs, options, (n) => setUsers(i, n))),
  );
  const ended = all.then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([sleep(at - Date.now(), options.signal), ended]);
  options.onStart?.(Date.now());
  await all;
  return { interrupted: options.signal?.aborted ?? false };
}

/**
 * Has Locust import the run's locustfile (`--list`) without running it, so an agent can refuse a
 * task whose file cannot load before the common start, as it refuses any bad test.
 */
export async function checkLocustfile(run: ExternalRun, log?: (line: string) => void): Promise<void> {
  const bin = await findLocust(log);
  const child = spawn(bin, ['-f', run.file, '--list'], {
    cwd: dirname(run.file),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: processEnv(run),
  });
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    stdout = (stdout + d).slice(-stderrKept);
  });
  const limitMs = loadTimeoutMs();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // SIGKILL: a file stuck at import may well ignore or trap SIGTERM.
    child.kill('SIGKILL');
  }, limitMs);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-stderrKept);
  });
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', (e) => reject(new DltError(ErrorCode.Internal, `cannot start ${bin}: ${e.message}`)));
    child.on('close', (c, s) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  if (timedOut) throw loadTimeout(run, limitMs);
  if (code !== 0) throw loadError(run, stderr, code, sig);
  const missing = missingUsers(run, stdout);
  if (missing)
    throw badInput([{ file: run.file, message: missing }], `${run.file}: Locust could not run the locustfile`);
}

/**
 * What `locust --list` says is missing: no User class at all (Locust lists none and exits 0, then
 * refuses to start), or a class the test names that the file does not have.
 */
function missingUsers(run: ExternalRun, listed: string): string | undefined {
  const at = listed.indexOf('Available Users:');
  if (at < 0) return undefined;
  const users = listed
    .slice(at + 'Available Users:'.length)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\w+$/.test(l));
  if (users.length === 0) {
    return 'Locust found no User class in it: define a class that inherits from HttpUser (or FastHttpUser, User) with at least one task';
  }
  const unknown = run.userClasses.filter((c) => !users.includes(c));
  if (unknown.length > 0) return `it has no User class ${unknown.join(', ')}; its User classes: ${users.join(', ')}`;
  return undefined;
}

/** The command line of one run: headless, users, spawn rate, run time, host, quiet output. */
export function locustArgs(run: ExternalRun): string[] {
  return [
    '-f',
    // Ours first: Locust 2.12 keeps the shape class of the last file it loads, so the user's goes last.
    `${pluginPath},${run.file}`,
    '--headless',
    '--users',
    String(run.users),
    '--spawn-rate',
    String(run.spawnRate),
    '--run-time',
    `${Math.max(1, Math.ceil(run.runTimeMs / 1000))}s`,
    '--stop-timeout',
    String(Math.ceil(run.stopTimeoutMs / 1000)),
    // Failed requests are our results to judge (thresholds), not an error of the process.
    '--exit-code-on-error',
    '0',
    '--only-summary',
    '--loglevel',
    'WARNING',
    ...(run.host !== undefined ? ['--host', run.host] : []),
    ...run.userClasses,
  ];
}

/** The process's environment: what a program needs to run, and the test's variables. */
function processEnv(run: ExternalRun): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  // Variables of the test win, except ours: the plugin's stream and no bytecode beside user files.
  return {
    ...env,
    ...run.env,
    DLT_LOCUST_FD: '3',
    DLT_LOCUST_GO_FD: '4',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
  };
}

function runLocust(
  bin: string,
  run: ExternalRun,
  goAtEpochMs: number,
  options: ExternalOptions,
  onUsers: (n: number) => void,
) {
  const child = spawn(bin, locustArgs(run), {
    cwd: dirname(run.file),
    detached: true,
    // 3: the plugin's lines to us; 4: our go to the plugin.
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    env: processEnv(run),
  });
  running.add(child);
  const gate = child.stdio[4] as NodeJS.WritableStream | null;
  gate?.on('error', () => {
    // Locust is gone before the go: its exit says why.
  });
  return new Promise<void>((resolve, reject) => {
    let loaded = false;
    let loadTimedOut = false;
    const userErrors = new Map<string, number>();
    let stoppedByUs = false;
    let overran = false;
    let stderr = '';
    const timers: NodeJS.Timeout[] = [];
    const stop = (graceMs: number) => {
      if (stoppedByUs) return;
      stoppedByUs = true;
      signalGroup(child, 'SIGTERM');
      timers.push(setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs));
    };
    const onAbort = () => stop(cancelGraceMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const limitMs = loadTimeoutMs();
    timers.push(
      setTimeout(() => {
        if (loaded) return;
        loadTimedOut = true;
        stop(0);
      }, limitMs),
    );
    const onLine = (line: LocustLine) => {
      switch (line.t) {
        case 'r':
          options.sink.record(toSample(line, run.name));
          return;
        case 'u':
          onUsers(line.u);
          return;
        case 'ue': {
          const key = `${line.e}${line.w ? ` (${line.w})` : ''}`;
          if (userErrors.has(key) || userErrors.size < 20) userErrors.set(key, (userErrors.get(key) ?? 0) + line.n);
          return;
        }
        case 'init':
          loaded = true;
          timers.push(setTimeout(() => gate?.end('g'), Math.max(0, goAtEpochMs - Date.now())));
          return;
        case 'start':
          // Locust stops itself at --run-time, its users given --stop-timeout to finish; this is the
          // backstop for a Locust that did not (a task that never yields to gevent).
          timers.push(
            setTimeout(
              () => {
                overran = true;
                stop(cancelGraceMs);
              },
              run.runTimeMs + run.stopTimeoutMs + 5_000,
            ),
          );
          return;
        default:
          return assertNever(line);
      }
    };
    readLines(child, onLine);
    child.stdout?.resume();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      stderr = (stderr + d).slice(-stderrKept);
    });
    child.on('error', (e) => {
      cleanup();
      reject(new DltError(ErrorCode.Internal, `cannot start ${bin}: ${e.message}`));
    });
    const cleanup = () => {
      for (const t of timers) clearTimeout(t);
      options.signal?.removeEventListener('abort', onAbort);
      onUsers(0);
      // Locust's "Error report": exceptions in tasks are no requests, so no count shows them.
      for (const [what, n] of userErrors) options.log?.(`${run.file}: a task raised ${n} × ${what}`);
    };
    child.on('close', (code, sig) => {
      running.delete(child);
      cleanup();
      if (loadTimedOut) return reject(loadTimeout(run, limitMs));
      if (!loaded && !options.signal?.aborted) return reject(loadError(run, stderr, code, sig));
      if (overran && !options.signal?.aborted) return reject(overrun(run));
      // Locust stops itself on a bad test (no host, a User class raising at start): the user's to fix.
      if (code !== 0 && !stoppedByUs) {
        return reject(
          badInput(
            [{ file: run.file, message: `Locust stopped with ${sig ?? `code ${code}`}:\n${tail(stderr)}` }],
            `${run.file}: Locust failed`,
          ),
        );
      }
      resolve();
    });
  });
}

/** Locust was still running well past its run time and graceful stop: a stuck task, stopped. */
function overrun(run: ExternalRun): DltError {
  const s = Math.round((run.runTimeMs + run.stopTimeoutMs) / 1000) + 5;
  return badInput(
    [
      {
        file: run.file,
        message:
          `Locust was still running ${s} s after its start (run time and graceful stop included) and was stopped: ` +
          'does a task loop without yielding (no request, sleep or other gevent call)?',
      },
    ],
    `${run.file}: Locust did not stop`,
  );
}

/** Locust could not load the locustfile (a syntax or import error, no User class…): bad input, with its words. */
function loadError(run: ExternalRun, stderr: string, code: number | null, sig: NodeJS.Signals | null): DltError {
  const all = tail(stderr);
  // Of a traceback, the frames from the user's own file on are the ones that tell.
  const own = all.lastIndexOf(`File "${run.file}"`);
  const said = (own >= 0 ? all.slice(own) : all) || `Locust exited with ${sig ?? `code ${code}`} before loading it`;
  const where = /File "([^"]+)", line (\d+)/g;
  let line: number | undefined;
  for (const m of said.matchAll(where)) if (m[1] === run.file) line = Number(m[2]);
  return badInput(
    [{ file: run.file, ...(line !== undefined ? { line } : {}), message: `Locust could not load it:\n${said}` }],
    `${run.file}: Locust could not run the locustfile`,
  );
}

/** Locust was still importing the locustfile when its time was up: it was stopped, and says so. */
function loadTimeout(run: ExternalRun, limitMs: number): DltError {
  const s = Math.round(limitMs / 1000);
  return badInput(
    [
      {
        file: run.file,
        message: `Locust was still loading it after ${s} s and was stopped: does it loop or wait at import time (code outside functions and classes)?`,
      },
    ],
    `${run.file}: Locust could not run the locustfile`,
  );
}

/** The last lines of Locust's output that tell what went wrong. */
function tail(text: string): string {
  const lines = text.trimEnd().split('\n');
  // Locust prints its (empty) statistics table after the error: keep what came before it.
  const table = lines.findIndex((l) => /^Type\s+Name\s/.test(l));
  return (table >= 0 ? lines.slice(0, table) : lines).slice(-20).join('\n').trimEnd();
}

/** Splits fd 3 into lines (each at most 1 MiB; a longer one is dropped) and parses them. */
function readLines(child: ChildProcess, onLine: (line: LocustLine) => void): void {
  const stream = child.stdio[3] as NodeJS.ReadableStream | null;
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (buffered + chunk).split('\n');
    buffered = parts.pop() ?? '';
    if (buffered.length > 1 << 20) buffered = '';
    for (const text of parts) {
      const parsed = parseLocustLine(text);
      if (parsed) onLine(parsed);
    }
  });
}

function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // The group is already gone.
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function assertNever(x: never): never {
  throw new Error(`unexpected line ${JSON.stringify(x)}`);
}
