import assert from 'node:assert/strict';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import type { HttpRequest } from '@dlt/model';
import { createHttpClient } from './client.ts';
import { listen, selfSigned } from './test-servers.ts';

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  label: 'tls',
  method: 'GET',
  url,
  ...extra,
});

let connections = 0;
const resumed: boolean[] = [];
const alpn: (string | false | null)[] = [];
const servernames: string[] = [];
const SNICallback = (name: string, done: (err: Error | null) => void) => {
  servernames.push(name);
  done(null); // no context: the server's own certificate
};
const server = https.createServer({ ...selfSigned(), SNICallback }, (req, res) => {
  const socket = req.socket as TLSSocket;
  resumed.push(socket.isSessionReused());
  alpn.push(socket.alpnProtocol);
  if (req.url === '/close') res.setHeader('connection', 'close');
  res.end(`secure ${req.headers.host}`);
});
server.on('secureConnection', () => connections++);
const named = await listen(server, 'localhost', 'https');
const { address, port } = server.address() as AddressInfo;
/** The same server by IP literal (localhost may be 127.0.0.1 or ::1). */
const url = `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
after(() => new Promise((resolve) => server.close(resolve)));

test('refuses a self-signed certificate unless insecure', async () => {
  const client = createHttpClient();
  const res = await client.send(get(`${url}/`));
  assert.equal(res.error, 'tls', res.errorMessage);
  assert.match(res.errorMessage ?? '', /self[- ]signed/i);
  client.close();
});

test('talks HTTPS with insecure, keeping the connection alive and timing the handshake', async () => {
  const client = createHttpClient();
  const before = connections;
  const first = await client.send(get(`${url}/`, { insecure: true, responseBody: 'text' }));
  assert.equal(first.status, 200, first.errorMessage);
  assert.equal(first.body, `secure ${new URL(url).host}`);
  assert.ok(first.timings.connect > 0);
  assert.ok(first.timings.tls > 0);
  const second = await client.send(get(`${url}/`, { insecure: true }));
  assert.equal(second.status, 200);
  assert.equal(second.timings.tls, 0);
  assert.equal(connections - before, 1);
  assert.equal(alpn.at(-1), 'http/1.1');
  client.close();
});

test('sends the host name for SNI, and none for an IP literal', async () => {
  const client = createHttpClient();
  const byName = await client.send(get(`${named}/`, { insecure: true }));
  assert.equal(byName.status, 200, byName.errorMessage);
  assert.equal(servernames.at(-1), 'localhost');
  const sniCount = servernames.length;
  const byAddress = await client.send(get(`${url}/`, { insecure: true }));
  assert.equal(byAddress.status, 200, byAddress.errorMessage);
  assert.equal(servernames.length, sniCount, 'no SNI for an IP address');
  client.close();
});

test('resumes the TLS session when it reconnects', async () => {
  const client = createHttpClient();
  const before = resumed.length;
  for (let i = 0; i < 3; i++) {
    const res = await client.send(get(`${url}/close`, { insecure: true }));
    assert.equal(res.status, 200, res.errorMessage);
  }
  assert.deepEqual(resumed.slice(before), [false, true, true]);
  client.close();
});

test('a server that does not speak TLS is a tls error', async () => {
  const plain = net.createServer((socket) => {
    socket.resume(); // read on, or the server never sees the client hang up
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
  });
  const plainUrl = await listen(plain, '127.0.0.1', 'https');
  after(() => new Promise((resolve) => plain.close(resolve)));
  const client = createHttpClient();
  const res = await client.send(get(`${plainUrl}/`, { insecure: true, timeoutMs: 5000 }));
  assert.equal(res.error, 'tls', res.errorMessage);
  client.close();
});
