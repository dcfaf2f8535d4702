/**
 * Writes small zips for tests, including the hostile ones no archiver makes on purpose: names
 * with `..`, symbolic links, entries that unpack to more than they declare.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** One entry; `mode` is the Unix mode kept in the external attributes (0o120777 = a link). */
export interface TestZipEntry {
  readonly name: string;
  readonly data?: string | Uint8Array;
  readonly mode?: number;
  /** Deflate the data (else stored). */
  readonly deflate?: boolean;
  /** Declare this unpacked size instead of the true one (a lying entry). */
  readonly declaredSize?: number;
}

/** The bytes of a zip holding `entries`, in order. */
export function makeZip(entries: readonly TestZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data ?? new Uint8Array());
    const packed = e.deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name);
    const fields = {
      method: e.deflate ? 8 : 0,
      crc: crc32(raw),
      packed: packed.length,
      size: e.declaredSize ?? raw.length,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(fields.method, 8);
    local.writeUInt32LE(fields.crc, 14);
    local.writeUInt32LE(fields.packed, 18);
    local.writeUInt32LE(fields.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(fields.method, 10);
    central.writeUInt32LE(fields.crc, 16);
    central.writeUInt32LE(fields.packed, 20);
    central.writeUInt32LE(fields.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
