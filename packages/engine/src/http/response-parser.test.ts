import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHeaders } from './response.ts';
import { maxBodyBytes, maxHeadBytes, ResponseParser } from './response-parser.ts';
import { type Shape, shapes } from './response-shapes.ts';

type Feed = (parser: ResponseParser, bytes: Buffer) => number;

const feeds: Record<string, Feed> = {
  whole: (p, bytes) => p.execute(bytes),
  'one byte at a time': (p, bytes) => {
    let used = 0;
    for (let i = 0; i < bytes.length && !p.done && !p.failed; i++) used += p.execute(bytes.subarray(i, i + 1));
    return used;
  },
  'in a larger reused buffer': (p, bytes) => {
    const big = Buffer.alloc(bytes.length + 64, '\r\n\r\n');
    bytes.copy(big);
    return p.execute(big, bytes.length);
  },
};

function parse(shape: Shape, feed: Feed, keepBody: boolean): ResponseParser {
  const parser = new ResponseParser();
  parser.reset(shape.head === true, keepBody);
  const bytes = Buffer.from(shape.raw, 'latin1');
  const used = feed(parser, bytes);
  if (shape.untilClose) {
    assert.equal(parser.done, false, 'waits for the close');
    assert.equal(parser.finish(), true);
  }
  assert.equal(parser.failed, false, parser.error);
  assert.equal(parser.done, true);
  assert.equal(used, bytes.length);
  assert.equal(parser.bytes, bytes.length);
  return parser;
}

for (const shape of shapes) {
  for (const [feedName, feed] of Object.entries(feeds)) {
    test(`parses ${shape.name}, fed ${feedName}`, () => {
      const parser = parse(shape, feed, true);
      assert.equal(parser.status, shape.status);
      assert.equal(Buffer.concat(parser.chunks ?? []).toString(), shape.body);
      assert.equal(parser.bodyBytes, Buffer.byteLength(shape.body));
      assert.equal(parser.keepAlive, shape.keepAlive);
      const headers = parseHeaders(parser.headText);
      for (const [name, value] of Object.entries(shape.headers ?? {})) assert.equal(headers[name], value, name);
    });
  }
  test(`parses ${shape.name}, split in two at every byte, body discarded`, () => {
    const bytes = Buffer.from(shape.raw, 'latin1');
    for (let cut = 1; cut < bytes.length; cut++) {
      const parser = parse(shape, (p, b) => p.execute(b.subarray(0, cut)) + p.execute(b.subarray(cut)), false);
      assert.equal(parser.chunks, null);
      assert.equal(parser.status, shape.status, `cut at ${cut}`);
      assert.equal(parser.bodyBytes, Buffer.byteLength(shape.body), `cut at ${cut}`);
    }
  });
}

test('stops at the end of a response and reports the bytes after it', () => {
  const parser = new ResponseParser();
  parser.reset(false, false);
  const used = parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1'));
  assert.equal(parser.done, true);
  assert.equal(used, 40);
});

const malformed: readonly { name: string; raw: string | Buffer; keepBody?: boolean; error: RegExp }[] = [
  { name: 'garbage status line', raw: 'HELLO WORLD\r\n\r\n', error: /bad status line/ },
  { name: 'status code not three digits', raw: 'HTTP/1.1 20 OK\r\n\r\n', error: /bad status line/ },
  { name: 'not HTTP/1', raw: 'HTTP/2.0 200 OK\r\n\r\n', error: /bad status line/ },
  { name: 'header line without colon', raw: 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', error: /bad header line/ },
  { name: 'whitespace before colon', raw: 'HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx', error: /bad header line/ },
  { name: 'space inside a header name', raw: 'HTTP/1.1 200 OK\r\nX Y: 1\r\n\r\n', error: /bad header line/ },
  { name: 'control byte in a header value', raw: 'HTTP/1.1 200 OK\r\nX-Y: a\u0001b\r\n\r\n', error: /bad header line/ },
  { name: 'bare CR in a header value', raw: 'HTTP/1.1 200 OK\r\nX-Y: a\rb\r\n\r\n', error: /bad header line/ },
  { name: 'bad content-length', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n', error: /bad content-length/ },
  {
    name: 'conflicting content-lengths',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    error: /conflicting/,
  },
  {
    name: 'bad chunk size',
    raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
    error: /bad chunk size/,
  },
  {
    name: 'chunk data longer than its size',
    raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n',
    error: /not followed by CRLF/,
  },
  {
    name: 'chunk size overflowing',
    raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n',
    error: /too large/,
  },
  {
    name: 'head larger than the cap',
    raw: `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(maxHeadBytes)}\r\n\r\n`,
    error: /head larger/,
  },
  {
    name: 'kept body larger than the cap',
    raw: `HTTP/1.1 200 OK\r\nContent-Length: ${maxBodyBytes + 1}\r\n\r\n`,
    keepBody: true,
    error: /body larger/,
  },
  {
    name: 'kept chunked body larger than the cap',
    raw: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(maxBodyBytes + 1).toString(16)}\r\n`,
    keepBody: true,
    error: /body larger/,
  },
];

for (const c of malformed) {
  for (const [feedName, feed] of Object.entries(feeds)) {
    test(`fails on ${c.name}, fed ${feedName}`, () => {
      const parser = new ResponseParser();
      parser.reset(false, c.keepBody === true);
      feed(parser, Buffer.isBuffer(c.raw) ? c.raw : Buffer.from(c.raw, 'latin1'));
      assert.equal(parser.failed, true);
      assert.equal(parser.done, false);
      assert.match(parser.error, c.error);
    });
  }
}

test('a head larger than the cap fails without waiting for its end', () => {
  const parser = new ResponseParser();
  parser.reset(false, false);
  for (let i = 0; i < 80 && !parser.failed; i++) parser.execute(Buffer.alloc(1024, 'a'));
  assert.equal(parser.failed, true);
});

test('a discarded body has no size cap', () => {
  const parser = new ResponseParser();
  parser.reset(false, false);
  parser.execute(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${maxBodyBytes + 2}\r\n\r\n`));
  const megabyte = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 32; i++) parser.execute(megabyte);
  parser.execute(Buffer.from('ab'));
  assert.equal(parser.done, true);
  assert.equal(parser.bodyBytes, maxBodyBytes + 2);
});

test('a response cut short is not finished by the close', () => {
  const parser = new ResponseParser();
  parser.reset(false, false);
  parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello'));
  assert.equal(parser.finish(), false);
  assert.equal(parser.started, true);
});

test('reset clears the previous response', () => {
  const parser = new ResponseParser();
  parser.reset(false, true);
  parser.execute(Buffer.from('HTTP/1.1 500 Oops\r\nContent-Length: 1\r\n\r\nx'));
  parser.reset(false, false);
  assert.equal(parser.started, false);
  parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  assert.deepEqual([parser.status, parser.chunks, parser.bodyBytes], [200, null, 0]);
});

test('a repeated head parses the same as the first time, and a changed one is scanned anew', () => {
  const parser = new ResponseParser();
  const head = (status: number, length: number) =>
    `HTTP/1.1 ${status} OK\r\nX-A: 1\r\nContent-Length: ${length}\r\n\r\n`;
  const cases = [
    { raw: `${head(200, 3)}abc`, status: 200, body: 'abc' },
    { raw: `${head(200, 3)}xyz`, status: 200, body: 'xyz' },
    { raw: `${head(200, 4)}wxyz`, status: 200, body: 'wxyz' },
    { raw: head(200, 4), headRequest: true, status: 200, body: '' },
    { raw: `${head(500, 4)}wxyz`, status: 500, body: 'wxyz' },
  ];
  for (const [i, c] of cases.entries()) {
    parser.reset(c.headRequest === true, true);
    const used = parser.execute(Buffer.from(c.raw));
    assert.equal(parser.done, true, `response ${i}`);
    assert.equal(used, c.raw.length, `response ${i}`);
    assert.equal(parser.status, c.status, `response ${i}`);
    assert.equal(Buffer.concat(parser.chunks ?? []).toString(), c.body, `response ${i}`);
    assert.equal(parseHeaders(parser.headText)['x-a'], '1');
  }
});
