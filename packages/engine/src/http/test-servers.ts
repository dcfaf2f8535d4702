/**
 * Loopback servers for the client's tests: a raw TCP server that answers each request with
 * hand-written bytes (for parser and error cases), helpers for node:http and node:http2
 * servers, and a throwaway self-signed certificate for TLS ones.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Answers one request; `index` counts requests on this connection from 0. */
export type RawHandler = (socket: net.Socket, request: string, index: number) => void;

export interface RawServer {
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Every request received, head and body, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts a TCP server on `host` port 0 that splits incoming bytes into requests for `handler`. */
export async function rawServer(handler: RawHandler, host = '127.0.0.1'): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    let index = 0;
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (let request = takeRequest(pending); request !== null; request = takeRequest(pending)) {
        pending = pending.slice(request.length);
        requests.push(request);
        handler(socket, request, index++);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    connections: () => connections,
    requests,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The first complete request (head and Content-Length body) at the start of `text`, or null. */
function takeRequest(text: string): string | null {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1];
  const total = end + 4 + Number(length ?? 0);
  return text.length >= total ? text.slice(0, total) : null;
}

/** Writes `bytes` one byte per write, each after the previous one went out. */
export async function writeByteByByte(socket: net.Socket, bytes: string): Promise<void> {
  for (const byte of Buffer.from(bytes, 'latin1')) {
    await new Promise<void>((resolve) => socket.write(Buffer.of(byte), () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Listens on `host` port 0 and returns the base URL. */
export async function listen(
  server: HttpServer | Http2Server | Http2SecureServer | net.Server,
  host = '127.0.0.1',
  scheme = 'http',
): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A port that nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A self-signed certificate for localhost and 127.0.0.1, made fresh for this run. */
export function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'dlt-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'],
        ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1'],
      ],
      { stdio: 'pipe' },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
