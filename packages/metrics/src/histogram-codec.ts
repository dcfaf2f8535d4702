/**
 * HdrHistogram's V2 encodings (the ones its Java, C, Go and JS ports read and write), for counts
 * laid out as HDR buckets. Written here rather than taken from hdr-histogram-js because the
 * library's encoder and decoder cost 0.2–0.3 ms each on a one-second histogram, which a merge of
 * thousands of timeline seconds cannot afford; the tests check our strings against
 * hdr-histogram-js both ways.
 *
 * Layout (big-endian): cookie, payload length, normalizing index offset, significant digits,
 * lowest (int64), highest (int64), integer-to-double ratio (float64), then the counts as ZigZag
 * LEB128-64b9B varints, where a negative number -n stands for n empty slots. Payloads above
 * `compressAbove` bytes are wrapped in the V2 *compressed* form (cookie, length, zlib deflate of
 * the above); smaller ones, such as most one-second histograms, stay plain, because creating a
 * zlib stream costs about 20 µs, three times the rest of a decode, and saves only a third of
 * a few hundred bytes.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { badInput } from '@dlt/model';

const payloadCookie = 0x1c849303 | 0x10;
const compressedCookie = 0x1c849304 | 0x10;
const cookieMask = ~0xf0;
const headerBytes = 40;
const twoPow32 = 2 ** 32;
/** Payloads (in bytes) above this size are deflated. */
export const compressAbove = 1024;

/** What an encoded histogram carries besides its counts. */
export interface HistogramHeader {
  readonly significantDigits: number;
  readonly lowest: number;
  readonly highest: number;
}

let scratch = Buffer.allocUnsafe(1 << 16);

/** Writes `value` (an integer of magnitude < 2^53) ZigZag-LEB128-64b9B at `pos`; returns the new end. */
function putVarint(buf: Buffer, pos: number, value: number): number {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  if (z >= 0x10000000) return putLargeVarint(buf, pos, z);
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

/** Above 28 bits the arithmetic must stay in doubles (bit operators cut at 32); such counts are rare. */
function putLargeVarint(buf: Buffer, pos: number, z: number): number {
  for (let i = 0; i < 8; i++) {
    if (z < 0x80) {
      buf[pos++] = z;
      return pos;
    }
    buf[pos++] = (z % 0x80) | 0x80;
    z = Math.floor(z / 0x80);
  }
  buf[pos++] = z;
  return pos;
}

/** Encodes `counts[0, length)` under the given header as base64; `''` when nothing was counted. */
export function encodeCounts(counts: ArrayLike<number>, length: number, header: HistogramHeader): string {
  if (length === 0) return '';
  if (scratch.length < headerBytes + length * 9) scratch = Buffer.allocUnsafe(headerBytes + length * 9);
  const buf = scratch;
  let pos = headerBytes;
  for (let i = 0; i < length; ) {
    const count = counts[i++];
    if (count !== 0) {
      pos = putVarint(buf, pos, count);
      continue;
    }
    let zeros = 1;
    while (i < length && counts[i] === 0) {
      zeros++;
      i++;
    }
    pos = putVarint(buf, pos, zeros > 1 ? -zeros : 0);
  }
  buf.writeInt32BE(payloadCookie, 0);
  buf.writeInt32BE(pos - headerBytes, 4);
  buf.writeInt32BE(0, 8);
  buf.writeInt32BE(header.significantDigits, 12);
  writeInt64(buf, 16, header.lowest);
  writeInt64(buf, 24, header.highest);
  buf.writeDoubleBE(1, 32);
  if (pos <= compressAbove) return buf.toString('base64', 0, pos);
  const deflated = deflateSync(buf.subarray(0, pos));
  const out = Buffer.allocUnsafe(8 + deflated.length);
  out.writeInt32BE(compressedCookie, 0);
  out.writeInt32BE(deflated.length, 4);
  deflated.copy(out, 8);
  return out.toString('base64');
}

function writeInt64(buf: Buffer, pos: number, value: number): void {
  buf.writeUInt32BE(Math.floor(value / twoPow32), pos);
  buf.writeUInt32BE(value % twoPow32, pos + 4);
}

function readInt64(buf: Buffer, pos: number): number {
  return buf.readUInt32BE(pos) * twoPow32 + buf.readUInt32BE(pos + 4);
}

function corrupt(why: string): Error {
  return badInput([{ message: `not an HdrHistogram V2 histogram: ${why}`, field: 'histogram' }]);
}

/**
 * Decodes a string from `encodeCounts` (or any HdrHistogram V2 encoder, plain or compressed) whose header
 * matches `expected` in precision and lowest value, handing each non-empty slot to `add`.
 */
export function decodeCounts(
  encoded: string,
  expected: HistogramHeader,
  add: (index: number, count: number) => void,
): void {
  const buf = unwrap(Buffer.from(encoded, 'base64'));
  if (buf.length < headerBytes || (buf.readInt32BE(0) & cookieMask) !== (payloadCookie & cookieMask))
    throw corrupt('bad payload cookie');
  const payloadEnd = headerBytes + buf.readInt32BE(4);
  if (payloadEnd > buf.length) throw corrupt('truncated payload');
  const digits = buf.readInt32BE(12);
  const lowest = readInt64(buf, 16);
  if (digits !== expected.significantDigits || lowest !== expected.lowest) {
    throw corrupt(
      `${digits} significant digits from ${lowest}; expected ${expected.significantDigits} from ${expected.lowest}`,
    );
  }
  readCounts(buf, headerBytes, payloadEnd, add);
}

/** The plain V2 encoding inside `bytes`: as it is, or inflated from the compressed form. */
function unwrap(bytes: Buffer): Buffer {
  if (bytes.length < 8) throw corrupt('too short');
  const cookie = bytes.readInt32BE(0) & cookieMask;
  if (cookie === (payloadCookie & cookieMask)) return bytes;
  if (cookie !== (compressedCookie & cookieMask)) throw corrupt('bad cookie');
  const deflatedLength = bytes.readInt32BE(4);
  if (deflatedLength < 0 || deflatedLength > bytes.length - 8) throw corrupt('truncated');
  try {
    return inflateSync(bytes.subarray(8, 8 + deflatedLength));
  } catch {
    throw corrupt('bad deflate stream');
  }
}

/** Reads the varint counts of a payload, skipping runs of empty slots. */
function readCounts(buf: Buffer, start: number, end: number, add: (index: number, count: number) => void): void {
  let index = 0;
  for (let pos = start; pos < end; ) {
    let z = buf[pos++];
    if (z >= 0x80) {
      // Up to four bytes (28 bits) fit the bit operators; longer ones take the slow path.
      let byte = buf[pos++];
      z = (z & 0x7f) | ((byte & 0x7f) << 7);
      if (byte >= 0x80) {
        byte = buf[pos++];
        z |= (byte & 0x7f) << 14;
        if (byte >= 0x80) {
          byte = buf[pos++];
          z |= (byte & 0x7f) << 21;
          if (byte >= 0x80) [z, pos] = readLongTail(buf, pos, z);
        }
      }
    }
    if (z % 2 === 1) {
      index += (z + 1) / 2;
      continue;
    }
    if (z !== 0) add(index, z / 2);
    index++;
  }
}

/** Bytes five to nine of a varint, whose value no longer fits 32 bits. */
function readLongTail(buf: Buffer, pos: number, low28: number): [number, number] {
  let z = low28;
  let scale = 2 ** 28;
  for (let i = 4; i < 9; i++, scale *= 0x80) {
    const byte = buf[pos++];
    if (i === 8) return [z + byte * scale, pos];
    z += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
  }
  return [z, pos];
}
