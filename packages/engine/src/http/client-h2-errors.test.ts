import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { after, test } from 'node:test';
import tls from 'node:tls';
import type { ErrorKind, HttpRequest } from '@dlt/model';
import { createHttpClient } from './client.ts';
import { closedPort, listen, type RawHandler, rawServer, selfSigned } from './test-servers.ts';

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  label: 'h2',
  method: 'GET',
  url,
  http2: true,
  ...extra,
});
const { constants } = http2;
const cert = selfSigned();

/** What each path of the misbehaving server does to its stream. */
let rotations = 0;
const streamsFor = new Map<string, number>();
const behaviours: Record<string, (stream: http2.ServerHttp2Stream) => void> = {
  '/ok': (stream) => stream.respond({ ':status': 200 }, { endStream: true }),
  '/rst': (stream) => stream.close(constants.NGHTTP2_INTERNAL_ERROR),
  '/refused': (stream) => stream.close(constants.NGHTTP2_REFUSED_STREAM),
  '/goaway': (stream) => stream.session?.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM),
  '/silent': () => undefined,
  '/slow': (stream) => setTimeout(() => stream.respond({ ':status': 200 }, { endStream: true }), 50),
  // The first time, a graceful GOAWAY that leaves this stream unprocessed, as a server rotating connections does.
  '/rotate': (stream) => {
    if (rotations++ === 0) stream.session?.goaway(constants.NGHTTP2_NO_ERROR, (stream.id ?? 1) - 2);
    else stream.respond({ ':status': 200 }, { endStream: true });
  },
  '/mid-body': (stream) => {
    stream.respond({ ':status': 200, 'content-length': '100' });
    stream.write('abc', () => stream.session?.destroy());
  },
  '/stall-body': (stream) => {
    stream.respond({ ':status': 200 });
    stream.write('abc');
  },
};

const sessions = new Set<http2.ServerHttp2Session>();
function onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
  stream.on('error', () => undefined);
  const path = String(headers[':path']);
  streamsFor.set(path, (streamsFor.get(path) ?? 0) + 1);
  behaviours[path]?.(stream);
}
const h2c = http2.createServer();
h2c.on('stream', onStream);
h2c.on('session', (s) => sessions.add(s));
const h2cUrl = await listen(h2c);
const secure = http2.createSecureServer(cert);
secure.on('stream', onStream);
secure.on('session', (s) => sessions.add(s));
const h2Url = await listen(secure, '127.0.0.1', 'https');
after(async () => {
  for (const s of sessions) s.destroy();
  await Promise.all([h2c, secure].map((s) => new Promise((resolve) => s.close(resolve))));
});

async function rawUrl(handler: RawHandler): Promise<string> {
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
    name: 'stream reset by the server (RST_STREAM)',
    url: async () => `${h2cUrl}/rst`,
    kind: 'reset',
    message: /INTERNAL/,
  },
  { name: 'stream refused (RST_STREAM)', url: async () => `${h2cUrl}/refused`, kind: 'reset', message: /REFUSED/ },
  { name: 'session closed with an error (GOAWAY)', url: async () => `${h2cUrl}/goaway`, kind: 'reset' },
  { name: 'connection lost mid-body', url: async () => `${h2cUrl}/mid-body`, kind: 'reset' },
  { name: 'no response', url: async () => `${h2cUrl}/silent`, request: { timeoutMs: 100 }, kind: 'timeout' },
  { name: 'body stalls', url: async () => `${h2cUrl}/stall-body`, request: { timeoutMs: 100 }, kind: 'timeout' },
  {
    name: 'h2c to an HTTP/1.1 server',
    url: () => rawUrl((s) => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')),
    kind: 'protocol',
  },
  {
    name: 'a TCP server that never answers the connection preface',
    url: () => rawUrl(() => undefined),
    request: { timeoutMs: 100 },
    kind: 'timeout',
  },
  {
    name: 'self-signed certificate without insecure',
    url: async () => `${h2Url}/ok`,
    kind: 'tls',
    message: /self[- ]signed/i,
  },
  {
    name: 'TLS server without ALPN',
    url: async () => {
      const plain = tls.createServer(cert, (socket) => socket.on('error', () => undefined).resume());
      after(() => new Promise((resolve) => plain.close(resolve)));
      return listen(plain, '127.0.0.1', 'https');
    },
    request: { insecure: true },
    kind: 'protocol',
    message: /did not agree to HTTP\/2/,
  },
  {
    name: 'HTTPS server that speaks only HTTP/1.1',
    url: async () => {
      const h1 = https.createServer(cert, (_req, res) => res.end('h1'));
      after(() => new Promise((resolve) => h1.close(resolve)));
      return listen(h1, '127.0.0.1', 'https');
    },
    request: { insecure: true },
    kind: 'protocol',
  },
];

for (const c of cases) {
  test(`HTTP/2 ${c.name} is ${c.kind}`, async () => {
    const client = createHttpClient();
    const res = await client.send(get(await c.url(), c.request));
    assert.equal(res.error, c.kind, res.errorMessage);
    assert.equal(res.status, 0);
    if (c.message) assert.match(res.errorMessage ?? '', c.message);
    for (const value of Object.values(res.timings)) assert.ok(value >= 0 && Number.isFinite(value));
    client.close();
  });
}

test('h2 over TLS agreed by ALPN, with the handshake timed once per session', async () => {
  const client = createHttpClient();
  let alpn: string | undefined;
  secure.once('stream', (stream) => {
    alpn = stream.session?.alpnProtocol;
  });
  const first = await client.send(get(`${h2Url}/ok`, { insecure: true }));
  assert.equal(first.status, 200, first.errorMessage);
  assert.equal(alpn, 'h2');
  assert.ok(first.timings.tls > 0);
  const second = await client.send(get(`${h2Url}/ok`, { insecure: true }));
  assert.deepEqual([second.status, second.timings.connect, second.timings.tls], [200, 0, 0]);
  client.close();
});

test('a refused stream is sent once more, then reported', async () => {
  const client = createHttpClient();
  const before = streamsFor.get('/refused') ?? 0;
  const res = await client.send(get(`${h2cUrl}/refused`));
  assert.equal(res.error, 'reset');
  assert.equal((streamsFor.get('/refused') ?? 0) - before, 2);
  client.close();
});

test('a stream cut off by a graceful GOAWAY is sent again on a new session', async () => {
  const client = createHttpClient();
  const before = sessions.size;
  const [slow, rotated] = await Promise.all([client.send(get(`${h2cUrl}/slow`)), client.send(get(`${h2cUrl}/rotate`))]);
  assert.equal(slow.status, 200, slow.errorMessage);
  assert.equal(rotated.status, 200, rotated.errorMessage);
  assert.ok(rotated.timings.blocked > 0, 'the refused attempt counts as blocked');
  assert.equal(sessions.size - before, 2);
  client.close();
});

test('after a GOAWAY the next request opens a new session', async () => {
  const client = createHttpClient();
  const before = sessions.size;
  assert.equal((await client.send(get(`${h2cUrl}/ok`))).status, 200);
  assert.equal((await client.send(get(`${h2cUrl}/goaway`))).error, 'reset');
  const after = await client.send(get(`${h2cUrl}/ok`));
  assert.equal(after.status, 200, after.errorMessage);
  assert.ok(after.timings.connect > 0);
  assert.equal(sessions.size - before, 2);
  client.close();
});

test('aborting ends the request as aborted, and closing the client ends those in flight', async () => {
  const client = createHttpClient();
  const controller = new AbortController();
  const aborted = client.send(get(`${h2cUrl}/silent`), controller.signal);
  const closed = client.send(get(`${h2cUrl}/silent`));
  setTimeout(() => controller.abort(), 20);
  assert.equal((await aborted).error, 'aborted');
  client.close();
  assert.equal((await closed).error, 'aborted');
});
