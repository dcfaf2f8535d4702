import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseHeaders } from './response.ts';
import { type Generated, validResponse } from './response-arbitraries.ts';
import { brokenResponse } from './response-breakers.ts';
import { ResponseParser } from './response-parser.ts';

/** Where to cut the input, and whether each piece arrives at the start of a larger, reused buffer. */
const feeding = fc.record({ cuts: fc.array(fc.nat(), { maxLength: 8 }), inBigBuffer: fc.boolean() });
type Feeding = { readonly cuts: readonly number[]; readonly inBigBuffer: boolean };

/** A buffer the pieces are copied into, with stale bytes after them as a socket's read buffer would have. */
const big = Buffer.alloc(128 * 1024, 'HTTP/1.1 200 OK\r\n\r\n');

/** Feeds `bytes` cut at `f.cuts`, stopping once the parser is done or failed; returns the bytes used. */
function feed(parser: ResponseParser, bytes: Buffer, f: Feeding): number {
  const cuts = [...new Set(f.cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
  const edges = [0, ...cuts.filter((c) => c > 0), bytes.length];
  let used = 0;
  for (let i = 1; i < edges.length && !parser.done && !parser.failed; i++) {
    const piece = bytes.subarray(edges[i - 1], edges[i]);
    if (f.inBigBuffer && piece.length <= big.length) {
      const reused = Buffer.from(big);
      piece.copy(reused);
      used += parser.execute(reused, piece.length);
    } else used += parser.execute(piece);
  }
  return used;
}

/** Runs `r` through `parser` and checks it yields exactly what was generated. */
function parsesAsGenerated(parser: ResponseParser, r: Generated, f: Feeding, keepBody: boolean): void {
  parser.reset(r.headRequest, keepBody);
  // Bytes of a next response may follow in the same read, unless the body runs until close.
  const next = r.untilClose ? Buffer.alloc(0) : Buffer.from('HTTP/1.1 200 OK\r\n');
  const used = feed(parser, Buffer.concat([r.raw, next]), f);
  if (r.untilClose) {
    assert.equal(parser.done, false, 'a close-delimited body waits for the close');
    assert.equal(parser.finish(), true);
  }
  assert.equal(parser.failed, false, parser.error);
  assert.equal(parser.done, true);
  assert.equal(used, r.raw.length);
  assert.equal(parser.bytes, r.raw.length);
  assert.equal(parser.status, r.status);
  assert.deepEqual(parseHeaders(parser.headText), r.headers);
  assert.equal(parser.bodyBytes, r.body.length);
  if (keepBody) assert.deepEqual(Buffer.concat(parser.chunks ?? []), r.body);
  else assert.equal(parser.chunks, null);
  assert.equal(parser.keepAlive, r.keepAlive);
}

test('random valid responses, split anywhere, parse to exactly what was generated', { timeout: 30_000 }, () => {
  const parser = new ResponseParser(); // one parser for all runs, as a connection keeps one
  fc.assert(
    fc.property(
      fc.array(validResponse, { minLength: 1, maxLength: 3 }),
      feeding,
      fc.boolean(),
      fc.boolean(),
      (responses, f, keepBody, twice) => {
        // The same response twice in a row takes the parser's repeated-head path.
        for (const r of twice ? [responses[0], ...responses] : responses) parsesAsGenerated(parser, r, f, keepBody);
      },
    ),
    { numRuns: 400 },
  );
});

test('random broken responses end in a protocol error or a clean wait for more, never a throw', {
  timeout: 30_000,
}, () => {
  fc.assert(
    fc.property(brokenResponse, feeding, fc.boolean(), (b, f, keepBody) => {
      const parser = new ResponseParser();
      parser.reset(b.headRequest, keepBody);
      const used = feed(parser, b.raw, f);
      assert.ok(used <= b.raw.length);
      assert.ok(!(parser.done && parser.failed));
      if (parser.failed) assert.notEqual(parser.error, '');
      switch (b.outcome) {
        case 'protocol-error':
          assert.equal(parser.failed, true, `${b.name}: ${JSON.stringify(b.raw.toString('latin1').slice(0, 200))}`);
          break;
        case 'need-more':
          assert.equal(parser.failed, false, `${b.name}: ${parser.error}`);
          assert.equal(parser.done, false, b.name);
          assert.equal(used, b.raw.length);
          assert.equal(parser.finish(), b.closeCompletes, b.name);
          break;
        case 'anything':
          if (!parser.done && !parser.failed) parser.finish();
          break;
        default:
          assert.fail(`unknown outcome ${b.outcome satisfies never}`);
      }
    }),
    { numRuns: 400 },
  );
});
