/**
 * fast-check generators of broken HTTP/1.1 responses, each made from a valid one so that only
 * the break differs, and each with the outcome the parser must reach.
 */
import fc from 'fast-check';
import { type Broken, type Generated, validResponse } from './response-arbitraries.ts';
import { maxHeadBytes } from './response-parser.ts';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
/** What a status line must look like; a generated line that matches is not garbage. */
const goodStatusLine = /^HTTP\/1\.[0-9] [1-9][0-9]{2}(?: [\t\x20-\x7e\x80-\xff]*)?$/;
const anyByteButLineEnds = fc.integer({ min: 0, max: 255 }).filter((b) => b !== 10 && b !== 13);

/** The final response's status line replaced by a line that is not one. */
const garbageStatus = fc
  .tuple(
    validResponse,
    fc.oneof(
      fc.string({ unit: anyByteButLineEnds.map((b) => String.fromCharCode(b)), maxLength: 30 }),
      fc.constantFrom('HTTP/1.1 20 OK', 'HTTP/1.1 2000 OK', 'HTTP/2 200 OK', 'HTTP/1.1200 OK', 'http/1.1 200 OK'),
      fc.constantFrom('HTTP/1.1 099 Low', 'HTTP/1.x 200 OK', 'HTTP/1.1 200 O\u0001K', 'HTTP/1.1 -20 OK'),
    ),
  )
  .filter(([, line]) => !goodStatusLine.test(line))
  .map(([r, line]): Broken => {
    const text = r.raw.toString('latin1');
    const at = text.lastIndexOf('HTTP/1.', r.bodyAt);
    const eol = text.indexOf('\r\n', at);
    return { name: 'garbage status line', raw: latin1(text.slice(0, at) + line + text.slice(eol)), ...fails(r) };
  });

/** A byte that breaks a header line: a control character, a bare CR or LF, or a non-token byte in a name. */
const badHeaderByte = fc
  .tuple(
    validResponse,
    fc.nat(),
    fc.oneof(
      fc.constantFrom(0, 1, 8, 11, 12, 14, 31, 127, 10, 13).map((b) => ({ inName: false, byte: b })),
      fc.constantFrom(...' "(),/;<=>?@[\\]{}\t').map((c) => ({ inName: true, byte: c.charCodeAt(0) })),
      fc.integer({ min: 128, max: 255 }).map((b) => ({ inName: true, byte: b })),
    ),
  )
  .map(([r, where, bad]): Broken => {
    const text = r.raw.toString('latin1');
    const start = text.lastIndexOf('HTTP/1.', r.bodyAt);
    const line = `X-Broken${bad.inName ? String.fromCharCode(bad.byte) : ''}Name: a${bad.inName ? '' : String.fromCharCode(bad.byte)}b\r\n`;
    // Inserted before one of the final head's lines (never after the blank line).
    const lineStarts = [...text.slice(start, r.bodyAt - 2).matchAll(/\r\n/g)].map((m) => start + m.index + 2);
    const at = lineStarts[where % lineStarts.length];
    return { name: `bad header byte ${bad.byte}`, raw: latin1(text.slice(0, at) + line + text.slice(at)), ...fails(r) };
  });

/** Header lines that are not `name: value`: no colon, a folded line, space before the colon, no name. */
const badHeaderLine = fc
  .tuple(validResponse, fc.constantFrom('no colon here', ' folded: line', 'Name : value', ': no name', '\tX: y'))
  .map(([r, line]): Broken => {
    const text = r.raw.toString('latin1');
    const at = r.bodyAt - 2;
    return { name: 'bad header line', raw: latin1(`${text.slice(0, at)}${line}\r\n${text.slice(at)}`), ...fails(r) };
  });

/** A head larger than the cap: one huge header. */
const oversizedHead = fc.tuple(validResponse, fc.nat({ max: 4096 })).map(([r, extra]): Broken => {
  const text = r.raw.toString('latin1');
  const at = r.bodyAt - 2;
  const big = `X-Big: ${'a'.repeat(maxHeadBytes + extra)}\r\n`;
  return { name: 'oversized head', raw: latin1(text.slice(0, at) + big + text.slice(at)), ...fails(r) };
});

/** A chunked body whose first size line is not hex, or too long to be a size. */
const badChunkSize = fc
  .tuple(
    fc.uint8Array({ minLength: 1, maxLength: 100 }),
    fc.oneof(
      fc.constantFrom('', 'g', 'x1', '-1', ' 1', ';ext', '0x10', 'z\r\n'),
      fc.integer({ min: 13, max: 20 }).map((n) => '1'.repeat(n)),
    ),
  )
  .map(([body, size]): Broken => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const raw = Buffer.concat([latin1(`${head}${size}\r\n`), body, latin1('\r\n0\r\n\r\n')]);
    return { name: `bad chunk size ${JSON.stringify(size)}`, raw, headRequest: false, outcome: 'protocol-error' };
  });

/** Chunk data not followed by CRLF (too much data for the size, or other bytes there). */
const badChunkEnd = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.constantFrom('X\n', '\r\r', '\n\r', 'ab', '\rX'))
  .map(([body, end]): Broken => {
    const head = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n`;
    const raw = Buffer.concat([latin1(head), body, latin1(`${end}0\r\n\r\n`)]);
    return { name: `chunk data ending ${JSON.stringify(end)}`, raw, headRequest: false, outcome: 'protocol-error' };
  });

/** A valid response cut short: the parser must wait for more (a close completes only a close-delimited body). */
const truncated = fc
  .tuple(validResponse, fc.nat())
  .filter(([r]) => r.raw.length > 0)
  .map(([r, cut]): Broken => {
    const length = cut % r.raw.length;
    return {
      name: `cut at ${length} of ${r.raw.length}`,
      raw: r.raw.subarray(0, length),
      headRequest: r.headRequest,
      outcome: 'need-more',
      closeCompletes: r.untilClose && length >= r.bodyAt,
    };
  });

/** A valid response with random bytes overwritten: anything may come of it but a throw or a hang. */
const mangled = fc
  .tuple(validResponse, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
  .map(([r, edits]): Broken => {
    const raw = Buffer.from(r.raw);
    for (const [at, byte] of edits) if (raw.length > 0) raw[at % raw.length] = byte;
    return { name: 'mangled', raw, headRequest: r.headRequest, outcome: 'anything' };
  });

const noise = fc
  .uint8Array({ maxLength: 400 })
  .map((bytes): Broken => ({ name: 'noise', raw: Buffer.from(bytes), headRequest: false, outcome: 'anything' }));

function fails(r: Generated): Pick<Broken, 'headRequest' | 'outcome'> {
  return { headRequest: r.headRequest, outcome: 'protocol-error' };
}

/** Every kind of broken input, weighted towards the ones with a certain outcome. */
export const brokenResponse: fc.Arbitrary<Broken> = fc.oneof(
  { weight: 3, arbitrary: garbageStatus },
  { weight: 3, arbitrary: badHeaderByte },
  { weight: 2, arbitrary: badHeaderLine },
  { weight: 1, arbitrary: oversizedHead },
  { weight: 2, arbitrary: badChunkSize },
  { weight: 2, arbitrary: badChunkEnd },
  { weight: 3, arbitrary: truncated },
  { weight: 2, arbitrary: mangled },
  { weight: 1, arbitrary: noise },
);
