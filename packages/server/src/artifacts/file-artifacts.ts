/**
 * The embedded default artifacts: one file per key under `<data>/artifacts/objects`. A put
 * writes a temporary file in `<data>/artifacts/tmp` and renames it into place, so a reader sees
 * the old or the new bytes and a crash leaves no half-written value behind.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { type ArtifactInfo, type Artifacts, isArtifactKey } from './artifacts.ts';

function checkKey(key: string): void {
  if (!isArtifactKey(key)) throw new Error(`bad artifact key ${JSON.stringify(key)}`);
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

export class FileArtifacts implements Artifacts {
  readonly #objects: string;
  readonly #tmp: string;

  /** Keeps artifacts under `root` (created on first write). */
  constructor(root: string) {
    this.#objects = join(root, 'objects');
    this.#tmp = join(root, 'tmp');
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    checkKey(key);
    const target = join(this.#objects, key);
    await mkdir(this.#tmp, { recursive: true });
    await mkdir(dirname(target), { recursive: true });
    const temp = join(this.#tmp, `${randomBytes(8).toString('hex')}.part`);
    try {
      await writeFile(temp, data, { flush: true });
      await rename(temp, target);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    try {
      return new Uint8Array(await readFile(join(this.#objects, key)));
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<boolean> {
    checkKey(key);
    try {
      await unlink(join(this.#objects, key));
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
    await this.#prune(dirname(join(this.#objects, key)));
    return true;
  }

  async list(prefix: string): Promise<ArtifactInfo[]> {
    // Walk only the deepest folder the prefix names in full, then filter by the prefix.
    const dir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    if (dir !== '' && !isArtifactKey(dir)) return [];
    const out: ArtifactInfo[] = [];
    for (const file of await this.#walk(join(this.#objects, dir))) {
      const key = relative(this.#objects, file).split(sep).join('/');
      if (key.startsWith(prefix)) out.push({ key, size: (await stat(file)).size });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    for (const { key } of await this.list(prefix)) if (await this.delete(key)) n++;
    return n;
  }

  async #walk(dir: string): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw e;
    }
    const files: string[] = [];
    for (const d of entries) {
      const p = join(dir, d.name);
      if (d.isDirectory()) files.push(...(await this.#walk(p)));
      else if (d.isFile()) files.push(p);
    }
    return files;
  }

  /** Removes empty folders from `dir` up to the objects root. */
  async #prune(dir: string): Promise<void> {
    while (dir.startsWith(this.#objects + sep)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
      dir = dirname(dir);
    }
  }
}
