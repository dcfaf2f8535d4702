import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { HttpRequest } from '@dlt/model';
import { createHttpClient } from './client.ts';
import { createDnsCache } from './dns-cache.ts';
import { listen } from './test-servers.ts';

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  label: 'h2',
  method: 'GET',
  url,
  http2: true,
  ...extra,
});

/** An h2c server (prior knowledge): echoes the body, sets cookies and a trailer, redirects on /redirect. */
let sessions = 0;
let maxParallel = 0;
let open = 0;
const seen: http2.IncomingHttpHeaders[] = [];
const server = http2.createServer((req, res) => {
  seen.push(req.headers);
  open++;
  maxParallel = Math.max(maxParallel, open);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { pathname, searchParams } = new URL(req.url, 'http://x');
    const delay = Number(searchParams.get('delay') ?? 0);
    setTimeout(() => {
      open--;
      if (pathname === '/redirect') {
        res.writeHead(302, { location: '/landed' }).end();
        return;
      }
      if (pathname === '/empty') {
        res.writeHead(204).end();
        return;
      }
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-method', req.method);
      res.addTrailers({ 'x-checksum': 'abc' });
      res.end(chunks.length > 0 ? Buffer.concat(chunks) : `hello ${pathname}`);
    }, delay);
  });
});
server.on('session', () => sessions++);
const url = await listen(server);
after(() => new Promise((resolve) => server.close(resolve)));

test('speaks h2c by prior knowledge: status, headers with trailers, body, timings', async () => {
  const client = createHttpClient();
  const before = sessions;
  const first = await client.send(get(`${url}/a?b=1`, { responseBody: 'text' }));
  assert.equal(first.error, null, first.errorMessage);
  assert.equal(first.status, 200);
  assert.equal(first.body, 'hello /a');
  assert.equal(first.headers['set-cookie'], 'a=1\nb=2');
  assert.equal(first.headers['x-checksum'], 'abc', 'trailers join the headers');
  assert.equal(first.headers[':status'], undefined, 'no pseudo-headers');
  assert.ok(first.timings.connect > 0);
  assert.equal(first.timings.tls, 0);
  assert.ok(first.bytesSent > 0 && first.bytesReceived > 'hello /a'.length);
  const req = seen.at(-1) ?? {};
  assert.deepEqual([req[':method'], req[':path'], req[':scheme'], req['user-agent']], ['GET', '/a?b=1', 'http', 'dlt']);
  const second = await client.send(get(`${url}/b`));
  assert.equal(second.status, 200, second.errorMessage);
  assert.equal(second.timings.connect, 0, 'the session is reused');
  assert.equal(sessions - before, 1);
  client.close();
});

test('parallel requests share one session as concurrent streams', async () => {
  const client = createHttpClient();
  const before = sessions;
  maxParallel = 0;
  const all = await Promise.all(
    Array.from({ length: 8 }, (_, i) => client.send(get(`${url}/p${i}?delay=100`, { responseBody: 'text' }))),
  );
  assert.deepEqual(
    all.map((r) => r.body),
    Array.from({ length: 8 }, (_, i) => `hello /p${i}`),
  );
  assert.equal(sessions - before, 1);
  assert.equal(maxParallel, 8, 'all streams were open at once');
  const opened = all.filter((r) => r.timings.connect > 0);
  assert.equal(opened.length, 1, 'the request that opened the session reports its connect time');
  assert.ok(
    all.filter((r) => r.timings.connect === 0).every((r) => r.timings.blocked > 0),
    'the others waited',
  );
  client.close();
});

test('keeps the body as asked, sends bodies, counts bytes', async () => {
  const client = createHttpClient();
  const cases = [
    { responseBody: undefined, body: null },
    { responseBody: 'discard', body: null },
    { responseBody: 'text', body: 'héllo' },
    { responseBody: 'binary', body: new Uint8Array(Buffer.from('héllo')) },
  ] as const;
  for (const c of cases) {
    const res = await client.send(get(`${url}/echo`, { method: 'POST', body: 'héllo', responseBody: c.responseBody }));
    assert.equal(res.status, 200, res.errorMessage);
    assert.deepEqual(res.body, c.body, String(c.responseBody));
    assert.equal(res.headers['x-method'], 'POST');
    assert.ok(res.bytesSent > Buffer.byteLength('héllo'));
  }
  const req = seen.at(-1) ?? {};
  assert.equal(req['content-length'], String(Buffer.byteLength('héllo')));
  client.close();
});

test('HEAD and 204 have no body', async () => {
  const client = createHttpClient();
  const head = await client.send(get(`${url}/x`, { method: 'HEAD', responseBody: 'text' }));
  assert.deepEqual([head.status, head.body], [200, '']);
  const empty = await client.send(get(`${url}/empty`, { responseBody: 'text' }));
  assert.deepEqual([empty.status, empty.body], [204, '']);
  client.close();
});

test('connection headers are left out, Host becomes :authority', async () => {
  const client = createHttpClient();
  const headers = { Connection: 'keep-alive', 'Keep-Alive': '5', Host: 'example.test', 'X-Custom': 'y' };
  const res = await client.send(get(`${url}/h`, { headers }));
  assert.equal(res.status, 200, res.errorMessage);
  const req = seen.at(-1) ?? {};
  assert.deepEqual(
    [req.connection, req['keep-alive'], req[':authority'], req['x-custom']],
    [undefined, undefined, 'example.test', 'y'],
  );
  client.close();
});

test('follows redirects over HTTP/2, summing the hops', async () => {
  const client = createHttpClient();
  const res = await client.send(get(`${url}/redirect`, { maxRedirects: 3, responseBody: 'text' }));
  assert.equal(res.status, 200, res.errorMessage);
  assert.equal(res.body, 'hello /landed');
  assert.equal(res.url, `${url}/landed`);
  assert.ok(res.timings.connect > 0, 'the first hop opened the session');
  client.close();
});

test('HTTP/1.1 and HTTP/2 requests from one client do not mix', async () => {
  const plain = (await import('node:http')).createServer((_req, res) => res.end('h1'));
  const h1url = await listen(plain);
  after(() => new Promise((resolve) => plain.close(resolve)));
  const client = createHttpClient();
  const a = await client.send(get(`${h1url}/`, { http2: false, responseBody: 'text' }));
  const b = await client.send(get(`${url}/`, { responseBody: 'text' }));
  assert.deepEqual([a.body, b.body], ['h1', 'hello /']);
  client.close();
});

test('looks the host up through the DNS cache', async () => {
  const named = http2.createServer((_req, res) => res.end('named'));
  await listen(named, 'localhost');
  after(() => new Promise((resolve) => named.close(resolve)));
  const dns = createDnsCache();
  const client = createHttpClient({ dns });
  const res = await client.send(
    get(`http://localhost:${(named.address() as AddressInfo).port}/`, { responseBody: 'text' }),
  );
  assert.equal(res.body, 'named', res.errorMessage);
  assert.ok(res.timings.dns > 0);
  client.close();
});
