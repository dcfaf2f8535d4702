/**
 * What the console's browser tests stand on: Debian's Chromium (installed when missing), the
 * console built fresh from its sources, a real dlt server in this process whose local launcher
 * starts real `dlt agent` processes (region `local`), one more agent process serving region
 * `remote` as an agent on another machine would, a loopback target that counts its requests, and a folder
 * for the screenshots. Everything started here is stopped by `close`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { type RunningServer, startServer } from '@dlt/server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { chromiumPath } from '../../cli/test/chromium.ts';

const run = promisify(execFile);
const consoleRoot = join(import.meta.dirname, '..');
const repoRoot = join(consoleRoot, '..', '..');
/** Screenshots of every page the tests visit (ignored by git). */
export const shotsDir = join(consoleRoot, 'test-output', 'screens');
export const adminPassword = 'console-admin-password';

// Debian's Chromium, installed once when missing: the same helper as the report's browser tests.
export { chromiumPath };

/** Builds the console from its sources into a fresh folder, so the tests see the code as it is now. */
async function buildConsole(outDir: string): Promise<void> {
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  await run(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: consoleRoot,
    maxBuffer: 16 << 20,
  });
}

/** A loopback target: answers `ok` after `delayMs`, counts what it served. */
export interface Target {
  readonly url: string;
  hits(): number;
  delayMs: number;
}

async function startTarget(): Promise<Target & { close(): Promise<void> }> {
  let hits = 0;
  const state = { delayMs: 2 };
  const server: Server = createServer((_req, res) => {
    hits++;
    setTimeout(() => res.end('ok'), state.delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  return {
    url,
    hits: () => hits,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(v: number) {
      state.delayMs = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The region of the one extra agent the rig starts (a second region beside `local`). */
export const remoteRegion = 'remote';

export interface Rig {
  readonly server: RunningServer;
  readonly target: Target;
  readonly browser: Browser;
  /** A new browser tab at 1280×800 in a context of its own (its own local storage). */
  newPage(): Promise<Page>;
  /** A JSON call to the API as the admin. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** The admin's `authorization` header, for calls that are not JSON. */
  authHeader(): Promise<Record<string, string>>;
  /** Saves a full-page screenshot as `<name>.png` in `shotsDir`. */
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts everything; on a failure half-way, stops what had started. */
export async function startRig(): Promise<Rig> {
  const stops: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    const executablePath = await chromiumPath();
    const work = await mkdtemp(join(tmpdir(), 'dlt-console-'));
    stops.push(() => rm(work, { recursive: true, force: true }));
    const consoleDir = join(work, 'console');
    await buildConsole(consoleDir);
    await mkdir(shotsDir, { recursive: true });
    const target = await startTarget();
    stops.push(() => target.close());
    const server = await startServer({
      dataDir: join(work, 'data'),
      port: 0,
      adminPassword,
      consoleDir,
      agentCommand: [process.execPath, join(repoRoot, 'packages', 'cli', 'src', 'bin.ts'), 'agent'],
      localMaxTasks: 4,
    });
    stops.push(() => server.close());
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    stops.push(() => browser.close());
    const login = await api(server.url, 'POST', '/api/auth/login', undefined, {
      username: 'admin',
      password: adminPassword,
    });
    const adminToken = (login.body as { token: string }).token;
    // A second region: one long-lived agent, as on another machine, with two slots.
    const minted = await api(server.url, 'POST', '/api/tokens', adminToken, { name: 'remote agent', role: 'agent' });
    const agent = startAgent(server.url, (minted.body as { token: string }).token);
    stops.push(() => stopProcess(agent));
    await waitForRegion(server.url, adminToken, remoteRegion);
    return {
      server,
      target,
      browser,
      async newPage() {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: server.url });
        return context.newPage();
      },
      authHeader: async () => ({ authorization: `Bearer ${adminToken}` }),
      api: (method, path, body) => api(server.url, method, path, adminToken, body),
      async shot(page, name) {
        await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

async function api(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

function startAgent(url: string, token: string): ChildProcess {
  const bin = join(repoRoot, 'packages', 'cli', 'src', 'bin.ts');
  const args = [
    'agent',
    '--server',
    url,
    '--token',
    token,
    '--region',
    remoteRegion,
    '--name',
    'remote-1',
    '--slots',
    '2',
  ];
  return spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const closed = new Promise((r) => proc.once('close', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 3_000);
  await closed;
  clearTimeout(timer);
}

async function waitForRegion(url: string, token: string, region: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last: unknown;
  while (Date.now() < deadline) {
    last = (await api(url, 'GET', '/api/regions', token)).body;
    const regions = (last as { regions?: { region: string; freeSlots: number }[] }).regions ?? [];
    if (regions.some((r) => r.region === region && r.freeSlots > 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no agent of region ${region} joined within 15 s; GET /api/regions: ${JSON.stringify(last)}`);
}

/** The bytes of a zip holding `files`, stored uncompressed (enough for an upload test). */
export function zipOf(files: Readonly<Record<string, string>>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
