/**
 * `open()` for k6 scripts: files read at init time relative to the module that opens them,
 * each read once per test however many VUs open it, and bounded in size.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/** The largest file `open()` reads, and the most bytes it reads in all. */
export const openLimits = { fileBytes: 64 * 1024 * 1024, totalBytes: 256 * 1024 * 1024 } as const;

/** Reads files for `open()`, caching what it read. */
export class FileReader {
  readonly #cache = new Map<string, Buffer>();
  readonly #root: string | undefined;
  #total = 0;

  /** With `root`, only files inside that folder can be read. */
  constructor(root?: string) {
    this.#root = root;
  }

  /** The text (or bytes) of `path`, resolved against the folder of the module `from`. */
  read(path: string, from: string, binary: boolean): string | Uint8Array {
    const full = resolve(dirname(from), path);
    let bytes = this.#cache.get(full);
    if (bytes === undefined) {
      bytes = this.#load(path, full);
      this.#cache.set(full, bytes);
    }
    return binary ? new Uint8Array(bytes) : bytes.toString('utf8');
  }

  #load(path: string, full: string): Buffer {
    if (this.#root !== undefined && !isInside(this.#root, full)) {
      throw new Error(`open("${path}"): ${full} is outside the script's folder`);
    }
    let size: number;
    try {
      const st = statSync(full);
      if (!st.isFile()) throw new Error(`open("${path}"): ${full} is not a file`);
      size = st.size;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw code ? new Error(`open("${path}"): cannot read ${full} (${code})`) : e;
    }
    if (size > openLimits.fileBytes) {
      throw new Error(`open("${path}"): ${size} bytes, more than the limit of ${openLimits.fileBytes}`);
    }
    if (this.#total + size > openLimits.totalBytes) {
      throw new Error(`open("${path}"): the files opened pass the limit of ${openLimits.totalBytes} bytes in all`);
    }
    this.#total += size;
    return readFileSync(full);
  }
}

function isInside(dir: string, full: string): boolean {
  const rel = relative(dir, full);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
