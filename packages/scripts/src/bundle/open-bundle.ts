/**
 * Opens a zip bundle (a script plus its input files) into a checked, in-memory map of files.
 * Everything that could reach outside the bundle or exhaust memory is refused before a byte is
 * unpacked: absolute names, `..`, links, duplicates, too many entries, too many bytes.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Problem } from '@dlt/model';
import { badInput } from '@dlt/model';
import yauzl from 'yauzl';

/** Caps on one bundle. */
export interface BundleLimits {
  /** Size of the zip itself. */
  readonly maxArchiveBytes: number;
  /** Files in it (folders not counted). */
  readonly maxFiles: number;
  /** Bytes of all files once unpacked. */
  readonly maxUnpackedBytes: number;
}

export const defaultBundleLimits: BundleLimits = {
  maxArchiveBytes: 50 * 1024 * 1024,
  maxFiles: 1_000,
  maxUnpackedBytes: 200 * 1024 * 1024,
};

/** A bundle's files by their normalised relative path (`data/users.csv`), folders left out. */
export interface Bundle {
  /** The zip's name, for messages. */
  readonly source: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** Where the bundle comes from: a path on disk, or the zip's bytes and a name for messages. */
export type BundleInput = string | { readonly bytes: Uint8Array; readonly source: string };

const symlinkType = 0o120000;
const fileTypeMask = 0o170000;

/** Opens and checks a bundle; throws a bad-input `DltError` listing every problem. */
export async function openBundle(input: BundleInput, limits: Partial<BundleLimits> = {}): Promise<Bundle> {
  const caps = { ...defaultBundleLimits, ...limits };
  const source = typeof input === 'string' ? input : input.source;
  const refuse = (message: string, hint?: string) =>
    badInput([{ file: source, message, hint }], `${source}: 1 problem`);
  const bytes = typeof input === 'string' ? await readArchive(input, caps, refuse) : input.bytes;
  if (bytes.byteLength > caps.maxArchiveBytes) throw refuse(tooBig('the zip', bytes.byteLength, caps.maxArchiveBytes));
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      lazyEntries: true,
      validateEntrySizes: true,
      strictFileNames: false,
      // Names are checked here, with messages of ours, rather than by yauzl as it decodes them.
      decodeStrings: false,
    });
  } catch (e) {
    throw refuse(`not a readable zip: ${(e as Error).message}`);
  }
  try {
    const entries = await listEntries(zip, caps, source);
    return { source, files: await unpack(zip, entries, refuse) };
  } finally {
    zip.close();
  }
}

async function readArchive(path: string, caps: BundleLimits, refuse: (m: string) => Error): Promise<Uint8Array> {
  try {
    const size = (await stat(path)).size;
    if (size > caps.maxArchiveBytes) throw refuse(tooBig('the zip', size, caps.maxArchiveBytes));
    return await readFile(path);
  } catch (e) {
    if ((e as { code?: string }).code === undefined) throw e;
    throw refuse(`cannot read the file: ${(e as NodeJS.ErrnoException).code}`);
  }
}

/** Every file entry, checked as a whole before anything is unpacked. */
async function listEntries(zip: yauzl.ZipFile, caps: BundleLimits, source: string): Promise<Map<string, yauzl.Entry>> {
  const problems: Problem[] = [];
  const files = new Map<string, yauzl.Entry>();
  let unpacked = 0;
  if (zip.entryCount > caps.maxFiles * 2 + 100) {
    throw badInput([
      { file: source, message: `has ${zip.entryCount} entries; at most ${caps.maxFiles} files are allowed` },
    ]);
  }
  for await (const entry of entriesOf(zip, source)) {
    const name = Buffer.from(entry.fileName as unknown as Uint8Array).toString('utf8');
    const why = unsafeEntryName(name);
    if (why !== undefined) {
      problems.push({ file: source, field: name, message: `the entry ${why}` });
      continue;
    }
    if (name.endsWith('/')) continue;
    const type = (entry.externalFileAttributes >>> 16) & fileTypeMask;
    if (type === symlinkType) problems.push({ file: source, field: name, message: 'the entry is a symbolic link' });
    else if (entry.isEncrypted()) problems.push({ file: source, field: name, message: 'the entry is encrypted' });
    else if (files.has(normalise(name)))
      problems.push({ file: source, field: name, message: 'the entry appears twice' });
    else files.set(normalise(name), entry);
    unpacked += entry.uncompressedSize;
  }
  if (files.size > caps.maxFiles)
    problems.push({ file: source, message: `has ${files.size} files; at most ${caps.maxFiles} are allowed` });
  if (unpacked > caps.maxUnpackedBytes)
    problems.push({ file: source, message: tooBig('unpacked, the files', unpacked, caps.maxUnpackedBytes) });
  if (problems.length > 0)
    throw badInput(problems, `${source}: ${problems.length} problem${problems.length > 1 ? 's' : ''}`);
  return files;
}

async function* entriesOf(zip: yauzl.ZipFile, source: string): AsyncGenerator<yauzl.Entry> {
  try {
    yield* zip.eachEntry();
  } catch (e) {
    throw badInput([{ file: source, message: `the zip's directory is damaged: ${(e as Error).message}` }]);
  }
}

async function unpack(
  zip: yauzl.ZipFile,
  entries: ReadonlyMap<string, yauzl.Entry>,
  refuse: (m: string) => Error,
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const [name, entry] of entries) {
    if (entry.uncompressedSize === 0) {
      out.set(name, new Uint8Array());
      continue;
    }
    try {
      const chunks: Buffer[] = [];
      // yauzl stops a stream that unpacks to more than the entry declares, so the total holds.
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      out.set(name, new Uint8Array(Buffer.concat(chunks)));
    } catch (e) {
      throw refuse(`cannot unpack ${name}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Why an entry's name could land outside the bundle, if it could. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\0')) return 'name contains a NUL byte';
  if (/^([/\\]|[A-Za-z]:)/.test(name)) return 'name is an absolute path';
  if (name.split(/[/\\]/).includes('..')) return 'name climbs out of the bundle with ..';
  return undefined;
}

/** `a\b/./c` → `a/b/c`: one spelling per file. */
function normalise(name: string): string {
  return name
    .split(/[/\\]/)
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

function tooBig(what: string, n: number, cap: number): string {
  return `${what} take ${n} bytes; at most ${cap} are allowed`;
}
