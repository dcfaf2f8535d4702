/**
 * Checks an uploaded zip from its central directory alone, before anything is written: every
 * name relative and inside the archive (no `..`, no absolute path, no drive letter), no more
 * entries and unpacked bytes than allowed, no zip64 (whose sizes this reader does not follow).
 */
import type { Problem } from '@dlt/model';

export interface ZipLimits {
  readonly maxEntries: number;
  readonly maxUnpackedBytes: number;
}

export interface ZipListing {
  readonly names: readonly string[];
  readonly unpackedBytes: number;
}

const eocdSignature = 0x06054b50;
const centralSignature = 0x02014b50;

function findEnd(buf: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65,535.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === eocdSignature) return i;
  }
  return -1;
}

/** Why a name would land outside the folder it is unpacked into, if it would. */
export function unsafeName(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (/^([/\\]|[A-Za-z]:)/.test(name)) return 'is an absolute path';
  if (name.split(/[/\\]/).includes('..')) return 'climbs out of the archive with ..';
  return undefined;
}

/** The names and unpacked size of a zip, or the problems that refuse it. */
export function checkZip(
  buf: Buffer,
  limits: ZipLimits,
): { ok: true; listing: ZipListing } | { ok: false; problems: Problem[] } {
  const bad = (message: string) => ({ ok: false as const, problems: [{ field: 'file', message }] });
  const end = buf.length >= 22 ? findEnd(buf) : -1;
  if (end < 0) return bad('not a zip archive (no end of central directory)');
  const count = buf.readUInt16LE(end + 10);
  const size = buf.readUInt32LE(end + 12);
  const offset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) return bad('zip64 archives are not supported');
  if (count > limits.maxEntries) return bad(`has ${count} entries; at most ${limits.maxEntries} are allowed`);
  if (offset + size > end) return bad('the central directory lies outside the archive');
  const names: string[] = [];
  const problems: Problem[] = [];
  let unpacked = 0;
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || buf.readUInt32LE(p) !== centralSignature) return bad('the central directory is damaged');
    const unpackedSize = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const skip = nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    if (unpackedSize === 0xffffffff || localOffset === 0xffffffff) return bad('zip64 archives are not supported');
    if (localOffset >= offset) return bad(`entry ${JSON.stringify(name)} points outside the archive`);
    const why = unsafeName(name);
    if (why) problems.push({ field: 'file', message: `entry ${JSON.stringify(name)} ${why}` });
    names.push(name);
    unpacked += unpackedSize;
    p += 46 + skip;
  }
  if (unpacked > limits.maxUnpackedBytes) {
    problems.push({
      field: 'file',
      message: `unpacks to ${unpacked} bytes; at most ${limits.maxUnpackedBytes} are allowed`,
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, listing: { names, unpackedBytes: unpacked } };
}
