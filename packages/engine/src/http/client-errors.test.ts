import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ErrorKind, HttpRequest } from '@dlt/model';
import { createHttpClient } from './client.ts';
import { closedPort, type RawHandler, rawServer } from './test-servers.ts';

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  label: 'test',
  method: 'GET',
  url,
  ...extra,
});

async function urlOf(handler: RawHandler): Promise<string> {
  const server = await rawServer(handler);
  after(() => server.close());
  return server.url;
}

interface ErrorCase {
  readonly name: string;
  readonly url: () => Promise<string>;
  readonly request?: Partial<HttpRequest>;
  readonly kind: ErrorKind;
  readonly message?: RegExp;
}

const cases: readonly ErrorCase[] = [
  { name: 'connection refused', url: async () => `http://127.0.0.1:${await closedPort()}/`, kind: 'connect-refused' },
  {
    name: 'server never answers',
    url: () => urlOf(() => undefined),
    request: { timeoutMs: 100 },
    kind: 'timeout',
    message: /100 ms/,
  },
  {
    name: 'server answers the head, then stalls',
    url: () => urlOf((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')),
    request: { timeoutMs: 100 },
    kind: 'timeout',
  },
  {
    name: 'server destroys the connection mid-body',
    url: () =>
      urlOf((s) => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc');
        setTimeout(() => s.destroy(), 10);
      }),
    kind: 'reset',
  },
  {
    name: 'server resets mid-body',
    url: () =>
      urlOf((s) => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc');
        setTimeout(() => s.resetAndDestroy(), 10);
      }),
    kind: 'reset',
  },
  {
    name: 'server closes before answering',
    url: () => urlOf((s) => s.end()),
    kind: 'reset',
  },
  {
    name: 'garbage status line',
    url: () => urlOf((s) => s.write('SSH-2.0-OpenSSH_9.2\r\n\r\n')),
    kind: 'protocol',
    message: /bad status line/,
  },
  {
    name: 'bad chunk size',
    url: () => urlOf((s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n')),
    kind: 'protocol',
    message: /chunk size/,
  },
  { name: 'unknown host', url: async () => 'http://no-such-host.invalid/', kind: 'dns' },
  { name: 'invalid URL', url: async () => 'not a url', kind: 'other', message: /not a URL/ },
  { name: 'unsupported scheme', url: async () => 'ftp://127.0.0.1/', kind: 'other', message: /ftp:/ },
  { name: 'already aborted', url: async () => 'http://127.0.0.1:9/', request: {}, kind: 'aborted' },
];

for (const c of cases) {
  test(`error kind ${c.kind}: ${c.name}`, async () => {
    const client = createHttpClient();
    const signal = c.kind === 'aborted' ? AbortSignal.abort() : undefined;
    const res = await client.send(get(await c.url(), c.request), signal);
    assert.equal(res.status, 0);
    assert.equal(res.error, c.kind, res.errorMessage);
    assert.deepEqual(res.headers, {});
    if (c.message) assert.match(res.errorMessage ?? '', c.message);
    client.close();
  });
}

test('aborting mid-request ends it as aborted and drops the connection', async () => {
  const server = await rawServer((socket, request) => {
    if (request.includes('/fast')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  });
  after(() => server.close());
  const client = createHttpClient();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 20);
  const started = performance.now();
  const res = await client.send(get(`${server.url}/slow`), controller.signal);
  assert.equal(res.error, 'aborted');
  assert.ok(performance.now() - started < 1000);
  const next = await client.send(get(`${server.url}/fast`), new AbortController().signal);
  assert.equal(next.status, 200, next.errorMessage);
  assert.equal(server.connections(), 2);
  client.close();
});

test('the client default timeout applies when the request sets none', async () => {
  const url = await urlOf(() => undefined);
  const client = createHttpClient({ defaultTimeoutMs: 50 });
  const res = await client.send(get(url));
  assert.equal(res.error, 'timeout');
  assert.ok(res.timings.wait >= 45, `wait ${res.timings.wait}`);
  client.close();
});

test('a short timeout after a long one on the same connection still fires on time', async () => {
  const server = await rawServer((socket, request) => {
    if (request.includes('/fast')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  });
  after(() => server.close());
  const client = createHttpClient();
  assert.equal((await client.send(get(`${server.url}/fast`, { timeoutMs: 30_000 }))).status, 200);
  const started = performance.now();
  const res = await client.send(get(`${server.url}/slow`, { timeoutMs: 50 }));
  assert.equal(res.error, 'timeout');
  assert.ok(performance.now() - started < 1000);
  assert.equal(server.connections(), 1, 'the same connection');
  client.close();
});

test('a protocol error destroys the connection; the next request gets a new one', async () => {
  const server = await rawServer((socket, request) => {
    if (request.includes('/bad')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n');
    else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  });
  after(() => server.close());
  const client = createHttpClient();
  assert.equal((await client.send(get(`${server.url}/bad`))).error, 'protocol');
  assert.equal((await client.send(get(`${server.url}/good`))).status, 200);
  assert.equal(server.connections(), 2);
  client.close();
});

test('bytes after a complete response make the connection unusable', async () => {
  const server = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA'));
  after(() => server.close());
  const client = createHttpClient();
  assert.equal((await client.send(get(server.url))).status, 200);
  assert.equal((await client.send(get(server.url))).status, 200);
  assert.equal(server.connections(), 2);
  client.close();
});

test('closing the client ends requests in flight', async () => {
  const url = await urlOf(() => undefined);
  const client = createHttpClient();
  const pending = client.send(get(url));
  setTimeout(() => client.close(), 20);
  assert.equal((await pending).error, 'aborted');
});
