import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpRequest } from '@dlt/model';
import { createHttpClient } from './client.ts';
import { createDnsCache } from './dns-cache.ts';
import { shapes } from './response-shapes.ts';
import { listen, rawServer, writeByteByByte } from './test-servers.ts';

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  label: 'test',
  method: 'GET',
  url,
  ...extra,
});

/** A node:http server that echoes what it got and counts connections. */
async function echoServer(host = '127.0.0.1') {
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
      setTimeout(() => {
        res.setHeader('x-method', req.method ?? '');
        res.setHeader('x-connection', req.headers.connection ?? '');
        res.end(Buffer.concat(chunks).toString() || 'hello');
      }, delay);
    });
  });
  server.on('connection', () => connections++);
  const url = await listen(server, host);
  after(() => new Promise((resolve) => server.close(resolve)));
  return { url, connections: () => connections, server };
}

for (const [delivery, write] of [
  ['whole', (s: import('node:net').Socket, raw: string) => s.write(raw, 'latin1')],
  ['one byte at a time', writeByteByByte],
] as const) {
  for (const shape of shapes) {
    test(`${shape.name}, delivered ${delivery}`, async (t) => {
      const server = await rawServer((socket, request) => {
        if (request.startsWith('GET /again')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain');
        else void Promise.resolve(write(socket, shape.raw)).then(() => shape.untilClose && socket.end());
      });
      t.after(() => server.close());
      const client = createHttpClient();
      t.after(() => client.close());
      const method = shape.head ? 'HEAD' : 'GET';
      const res = await client.send(get(`${server.url}/`, { method, responseBody: 'text' }));
      assert.equal(res.error, null, res.errorMessage);
      assert.equal(res.status, shape.status);
      assert.equal(res.body, shape.body);
      assert.equal(res.bytesReceived, Buffer.byteLength(shape.raw, 'latin1'));
      for (const [name, value] of Object.entries(shape.headers ?? {})) assert.equal(res.headers[name], value);
      const again = await client.send(get(`${server.url}/again`, { responseBody: 'text' }));
      assert.equal(again.body, 'again');
      assert.equal(server.connections(), shape.keepAlive ? 1 : 2);
    });
  }
}

test('keeps one connection alive for many requests', async () => {
  const { url, connections } = await echoServer();
  const client = createHttpClient();
  const prepared = client.prepare(get(`${url}/`));
  for (let i = 0; i < 20; i++) assert.equal((await client.send(prepared)).status, 200);
  assert.equal(connections(), 1);
  client.close();
});

test('opens a new connection when the server closed the idle one', async () => {
  const server = await rawServer((socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    setTimeout(() => socket.destroy(), 5);
  });
  after(() => server.close());
  const client = createHttpClient();
  for (let i = 0; i < 3; i++) {
    const res = await client.send(get(server.url));
    assert.equal(res.status, 200, res.errorMessage);
    await sleep(30);
  }
  assert.equal(server.connections(), 3);
  client.close();
});

test('retries once on a new connection when a reused one is closed without an answer', async () => {
  const server = await rawServer((socket, _request, index) => {
    if (index === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    else socket.destroy();
  });
  after(() => server.close());
  const client = createHttpClient();
  assert.equal((await client.send(get(server.url))).status, 200);
  const res = await client.send(get(server.url));
  assert.equal(res.status, 200, res.errorMessage);
  assert.ok(res.timings.blocked > 0, 'the failed attempt counts as blocked time');
  assert.equal(server.connections(), 2);
  client.close();
});

test('does not retry on a new connection, nor twice', async () => {
  const server = await rawServer((socket) => socket.destroy());
  after(() => server.close());
  const client = createHttpClient();
  const res = await client.send(get(server.url));
  assert.equal(res.error, 'reset');
  assert.equal(server.connections(), 1);
  client.close();
});

test('POST sends the body and counts the bytes on the wire', async () => {
  const { url } = await echoServer();
  const client = createHttpClient();
  const body = 'x'.repeat(1000);
  const res = await client.send(get(`${url}/post`, { method: 'POST', body, responseBody: 'text' }));
  assert.equal(res.body, body);
  assert.equal(res.headers['x-method'], 'POST');
  const head = `POST /post HTTP/1.1\r\nHost: ${new URL(url).host}\r\nUser-Agent: dlt\r\nContent-Length: 1000\r\n\r\n`;
  assert.equal(res.bytesSent, head.length + 1000);
  assert.ok(res.bytesReceived > 1000);
  client.close();
});

test('records sane timings: wait covers the server delay', async () => {
  const { url } = await echoServer();
  const client = createHttpClient();
  const first = await client.send(get(`${url}/?delay=50`));
  assert.ok(first.timings.connect > 0);
  assert.ok(first.timings.wait >= 49, `wait ${first.timings.wait}`);
  assert.equal(first.timings.dns, 0, 'an IP literal needs no lookup');
  const second = await client.send(get(`${url}/`));
  assert.equal(second.timings.connect, 0, 'reused connection');
  assert.ok(second.timings.wait < 49);
  for (const value of Object.values(second.timings)) assert.ok(value >= 0 && Number.isFinite(value));
  client.close();
});

test('times sending a large body', async () => {
  const { url } = await echoServer();
  const client = createHttpClient();
  const body = new Uint8Array(2 * 1024 * 1024);
  const res = await client.send(get(url, { method: 'PUT', body }));
  assert.equal(res.status, 200, res.errorMessage);
  assert.ok(res.timings.send > 0, `send ${res.timings.send}`);
  assert.ok(res.bytesSent > body.length);
  client.close();
});

test('looks host names up once per DNS cache', async () => {
  const { server } = await echoServer();
  const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
  const dns = createDnsCache();
  const a = createHttpClient({ dns });
  const b = createHttpClient({ dns });
  const first = await a.send(get(url));
  if (first.error === 'connect-refused') return; // localhost resolved to ::1 first; the cache is tested on its own
  assert.equal(first.status, 200, first.errorMessage);
  assert.ok(first.timings.dns > 0);
  assert.equal((await b.send(get(url))).timings.dns, 0);
  a.close();
  b.close();
});

test('speaks to IPv6 literals', async () => {
  const { url } = await echoServer('::1');
  const client = createHttpClient();
  const res = await client.send(get(`${url}/v6`, { responseBody: 'text' }));
  assert.equal(res.status, 200, res.errorMessage);
  assert.equal(res.url, `${url}/v6`);
  client.close();
});

test('keepAlive false asks the server to close and uses a connection per request', async () => {
  const { url, connections } = await echoServer();
  const client = createHttpClient();
  for (let i = 0; i < 3; i++) {
    const res = await client.send(get(url, { keepAlive: false }));
    assert.equal(res.headers['x-connection'], 'close');
  }
  assert.equal(connections(), 3);
  client.close();
});

test('keeps the body as asked', async () => {
  const { url } = await echoServer();
  const client = createHttpClient();
  const cases = [
    { responseBody: undefined, body: null },
    { responseBody: 'discard', body: null },
    { responseBody: 'text', body: 'héllo' },
    { responseBody: 'binary', body: new Uint8Array(Buffer.from('héllo')) },
  ] as const;
  for (const c of cases) {
    const res = await client.send(get(url, { method: 'POST', body: 'héllo', responseBody: c.responseBody }));
    assert.deepEqual(res.body, c.body, String(c.responseBody));
  }
  client.close();
});

test('parallel sends to one origin use parallel connections', async () => {
  const { url, connections } = await echoServer();
  const client = createHttpClient();
  const all = await Promise.all([1, 2, 3].map(() => client.send(get(`${url}/?delay=20`))));
  assert.deepEqual(
    all.map((r) => r.status),
    [200, 200, 200],
  );
  assert.equal(connections(), 3);
  await client.send(get(url));
  assert.equal(connections(), 3, 'idle connections are reused');
  client.close();
});

test('headers survive JSON', async () => {
  const { url } = await echoServer();
  const client = createHttpClient();
  const res = await client.send(get(url));
  const plain = JSON.parse(JSON.stringify(res));
  assert.equal(plain.headers['x-method'], 'GET');
  assert.equal(plain.status, 200);
  client.close();
});
