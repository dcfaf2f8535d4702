import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import type { HttpRequest } from '@dlt/model';
import { createHttpClient } from './client.ts';
import { listen } from './test-servers.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly authorization?: string;
}

const seen: Seen[] = [];
/** Routes: /to/<status>/<path> redirects with that status to /<path>, relative; /abs/<url> to an absolute URL. */
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = req.url ?? '/';
    seen.push({ method: req.method ?? '', url, body: Buffer.concat(chunks).toString(), ...auth(req) });
    const hop = /^\/to\/(\d{3})\/(.*)$/.exec(url);
    if (hop) res.writeHead(Number(hop[1]), { location: `/${hop[2]}` }).end('moved');
    else if (url.startsWith('/abs/')) res.writeHead(302, { location: decodeURIComponent(url.slice(5)) }).end();
    else if (url === '/nowhere') res.writeHead(302).end();
    else res.end(`final ${req.method} ${url}`);
  });
});
const auth = (req: http.IncomingMessage) =>
  req.headers.authorization ? { authorization: req.headers.authorization } : {};
const base = await listen(server);
after(() => new Promise((resolve) => server.close(resolve)));

async function send(path: string, extra: Partial<HttpRequest> = {}) {
  const client = createHttpClient();
  seen.length = 0;
  const res = await client.send({ label: 'r', method: 'GET', url: `${base}${path}`, responseBody: 'text', ...extra });
  client.close();
  return res;
}

const cases = [
  {
    name: 'a chain of relative redirects',
    path: '/to/301/to/302/done',
    request: { maxRedirects: 5 },
    status: 200,
    final: '/done',
    methods: ['GET', 'GET', 'GET'],
  },
  {
    name: '303 turns POST into GET without body',
    path: '/to/303/done',
    request: { method: 'POST', body: 'data', maxRedirects: 1 },
    status: 200,
    final: '/done',
    methods: ['POST', 'GET'],
    bodies: ['data', ''],
  },
  {
    name: '302 turns POST into GET',
    path: '/to/302/done',
    request: { method: 'POST', body: 'data', maxRedirects: 1 },
    status: 200,
    final: '/done',
    methods: ['POST', 'GET'],
    bodies: ['data', ''],
  },
  {
    name: '307 keeps method and body',
    path: '/to/307/done',
    request: { method: 'POST', body: 'data', maxRedirects: 1 },
    status: 200,
    final: '/done',
    methods: ['POST', 'POST'],
    bodies: ['data', 'data'],
  },
  {
    name: '308 keeps method and body',
    path: '/to/308/done',
    request: { method: 'PUT', body: 'data', maxRedirects: 1 },
    status: 200,
    final: '/done',
    methods: ['PUT', 'PUT'],
    bodies: ['data', 'data'],
  },
  {
    name: 'no redirects followed by default',
    path: '/to/302/done',
    request: {},
    status: 302,
    final: '/to/302/done',
    methods: ['GET'],
  },
  {
    name: 'stops after maxRedirects and returns the last redirect',
    path: '/to/302/to/302/done',
    request: { maxRedirects: 1 },
    status: 302,
    final: '/to/302/done',
    methods: ['GET', 'GET'],
  },
  {
    name: 'a redirect without Location is the final response',
    path: '/nowhere',
    request: { maxRedirects: 3 },
    status: 302,
    final: '/nowhere',
    methods: ['GET'],
  },
] as const;

for (const c of cases) {
  test(`redirects: ${c.name}`, async () => {
    const res = await send(c.path, c.request);
    assert.equal(res.status, c.status, res.errorMessage);
    assert.equal(res.url, `${base}${c.final}`);
    assert.deepEqual(
      seen.map((s) => s.method),
      c.methods,
    );
    if ('bodies' in c) {
      assert.deepEqual(
        seen.map((s) => s.body),
        c.bodies,
      );
    }
    if (c.status === 200) assert.equal(res.body, `final ${c.methods.at(-1)} ${c.final}`);
  });
}

test('redirects: timings and bytes are summed over the hops', async () => {
  const one = await send('/done');
  const three = await send('/to/301/to/302/done', { maxRedirects: 2 });
  assert.ok(three.bytesSent > 2 * one.bytesSent);
  assert.ok(three.bytesReceived > one.bytesReceived);
  const total = (r: typeof one) => Object.values(r.timings).reduce((a, b) => a + b, 0);
  assert.ok(total(three) > 0);
});

test('redirects: credentials are kept on the same origin and dropped on another', async () => {
  const headers = { authorization: 'Bearer secret' };
  await send('/to/302/done', { maxRedirects: 1, headers });
  assert.deepEqual(
    seen.map((s) => s.authorization),
    ['Bearer secret', 'Bearer secret'],
  );
  const otherOrigin = base.replace('127.0.0.1', 'localhost');
  await send(`/abs/${encodeURIComponent(`${otherOrigin}/done`)}`, { maxRedirects: 1, headers });
  assert.deepEqual(
    seen.map((s) => s.authorization),
    ['Bearer secret', undefined],
  );
});
