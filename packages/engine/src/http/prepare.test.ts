import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DltError, type HttpRequest } from '@dlt/model';
import { Prepared, prepare } from './prepare.ts';

const request = (extra: Partial<HttpRequest>): HttpRequest => ({
  label: 'p',
  method: 'GET',
  url: 'http://example.com/',
  ...extra,
});

const wires: readonly { name: string; request: Partial<HttpRequest>; wire: string }[] = [
  {
    name: 'GET with path and query, default port left out',
    request: { url: 'http://example.com:80/a/b?x=1&y=2#frag' },
    wire: 'GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: dlt\r\n\r\n',
  },
  {
    name: 'POST with a string body, lower-case method',
    request: { method: 'post', url: 'http://example.com:8080/p', body: 'héllo' },
    wire: 'POST /p HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: dlt\r\nContent-Length: 6\r\n\r\nhéllo',
  },
  {
    name: 'PUT with bytes',
    request: { method: 'PUT', body: new Uint8Array([1, 2, 3]) },
    wire: 'PUT / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: dlt\r\nContent-Length: 3\r\n\r\n\x01\x02\x03',
  },
  {
    name: 'POST without body says length 0',
    request: { method: 'POST' },
    wire: 'POST / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: dlt\r\nContent-Length: 0\r\n\r\n',
  },
  {
    name: 'user headers, own Host and User-Agent, framing headers replaced',
    request: {
      body: 'ab',
      headers: {
        host: 'other',
        'User-Agent': 'me',
        'X-Id': '7',
        'content-length': '99',
        'Transfer-Encoding': 'chunked',
      },
    },
    wire: 'GET / HTTP/1.1\r\nhost: other\r\nUser-Agent: me\r\nX-Id: 7\r\nContent-Length: 2\r\n\r\nab',
  },
  {
    name: 'keepAlive false asks to close',
    request: { keepAlive: false },
    wire: 'GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: dlt\r\nConnection: close\r\n\r\n',
  },
  {
    name: 'IPv6 literal keeps its brackets in Host',
    request: { url: 'http://[::1]:8080/' },
    wire: 'GET / HTTP/1.1\r\nHost: [::1]:8080\r\nUser-Agent: dlt\r\n\r\n',
  },
];

for (const c of wires) {
  test(`serialises ${c.name}`, () => {
    assert.equal(new Prepared(request(c.request)).wire.toString('latin1'), Buffer.from(c.wire).toString('latin1'));
  });
}

test('parses the URL into what connecting needs', () => {
  const cases = [
    { url: 'http://example.com/', host: 'example.com', port: 80, family: 0, secure: false, key: 'http://example.com' },
    {
      url: 'https://example.com/',
      host: 'example.com',
      port: 443,
      family: 0,
      secure: true,
      key: 'https://example.com',
    },
    { url: 'http://127.0.0.1:81/', host: '127.0.0.1', port: 81, family: 4, secure: false, key: 'http://127.0.0.1:81' },
    { url: 'https://[::1]:8443/', host: '::1', port: 8443, family: 6, secure: true, key: 'https://[::1]:8443' },
  ];
  for (const c of cases) {
    const p = new Prepared(request({ url: c.url }));
    assert.deepEqual(
      [p.hostname, p.port, p.ipFamily, p.secure, p.poolKey],
      [c.host, c.port, c.family, c.secure, c.key],
    );
  }
});

test('insecure TLS gets connections of its own', () => {
  const strict = new Prepared(request({ url: 'https://example.com/' }));
  const insecure = new Prepared(request({ url: 'https://example.com/', insecure: true }));
  assert.notEqual(strict.poolKey, insecure.poolKey);
});

test('a Connection: close header turns keep-alive off', () => {
  assert.equal(new Prepared(request({ headers: { Connection: 'close' } })).keepAlive, false);
  assert.equal(new Prepared(request({})).keepAlive, true);
});

test('prepare passes prepared requests through and unwraps foreign ones', () => {
  const p = new Prepared(request({}));
  assert.equal(prepare(p), p);
  assert.equal(prepare({ request: request({ url: 'http://other/' }) }).hostname, 'other');
});

const invalid: readonly { name: string; request: Partial<HttpRequest>; field: string }[] = [
  { name: 'not a URL', request: { url: 'nope' }, field: 'url' },
  { name: 'unsupported scheme', request: { url: 'ws://example.com/' }, field: 'url' },
  { name: 'method with a space', request: { method: 'GET /' }, field: 'method' },
  { name: 'header value with CRLF', request: { headers: { 'X-A': 'a\r\nX-B: b' } }, field: 'headers.X-A' },
  { name: 'header name with a colon', request: { headers: { 'X:A': 'a' } }, field: 'headers.X:A' },
  { name: 'zero timeout', request: { timeoutMs: 0 }, field: 'timeoutMs' },
  { name: 'unknown body mode', request: { responseBody: 'json' as 'text' }, field: 'responseBody' },
];

for (const c of invalid) {
  test(`rejects ${c.name}`, () => {
    assert.throws(
      () => new Prepared(request(c.request)),
      (err: unknown) => DltError.is(err) && err.problems.some((p) => p.field === c.field),
    );
  });
}
