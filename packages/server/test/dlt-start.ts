/**
 * A real `dlt start` process for end-to-end tests: started in a process group of its own with
 * the agents it launches, signed in as the administrator, and a small JSON client for its API.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', '..', 'cli', 'src', 'bin.ts');

export interface DltStart {
  /** The server's base URL. */
  readonly base: string;
  /** The administrator's session token. */
  readonly token: string;
  /** A JSON call (or a raw upload with `bytes`) as the administrator. */
  api(
    method: string,
    path: string,
    body?: unknown,
    bytes?: Uint8Array,
  ): Promise<{ status: number; body: ReturnType<typeof JSON.parse> }>;
  /** Kills the server and the agents it launched (they share its process group). */
  kill(): void;
}

/** Starts `dlt start` on a free port with `dataDir` and signs in as `admin` with `password`. */
export async function dltStart(dataDir: string, password: string, env: Record<string, string> = {}): Promise<DltStart> {
  const server = spawn(process.execPath, [bin, 'start', '--port', '0', '--data', dataDir], {
    env: { ...process.env, DLT_ADMIN_PASSWORD: password, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const kill = () => {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  server.stderr?.resume();
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL from dlt start: ${out}`)), 15_000);
    server.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  }).catch((e) => {
    kill();
    throw e;
  });
  let token = '';
  const api = async (method: string, path: string, body?: unknown, bytes?: Uint8Array) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(bytes
          ? { 'content-type': 'application/octet-stream' }
          : body
            ? { 'content-type': 'application/json' }
            : {}),
      },
      ...(bytes ? { body: bytes as Uint8Array<ArrayBuffer> } : body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  token = (await api('POST', '/api/auth/login', { username: 'admin', password })).body.token;
  return { base, token, api, kill };
}
