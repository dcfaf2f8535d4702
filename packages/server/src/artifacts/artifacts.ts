/**
 * Artifacts: the bytes the server keeps beside its records (uploaded scripts and zips, raw task
 * results, reports), by key, behind one interface so files under the data folder (the default)
 * and an S3-compatible bucket can be swapped. Every implementation passes `artifacts.contract.ts`.
 */

/**
 * Keys are `/`-separated paths of `[A-Za-z0-9._-]` segments (no empty, `.` or `..` segment),
 * e.g. `tests/abc/script.jmx`, `runs/r1/tasks/r1-t0.json`.
 */
export const artifactKeyPattern = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/** True when `key` is a valid artifact key. */
export function isArtifactKey(key: string): boolean {
  return key.length <= 1024 && artifactKeyPattern.test(key);
}

export interface ArtifactInfo {
  readonly key: string;
  readonly size: number;
}

export interface Artifacts {
  /** Stores `data` under `key`, replacing any old value; readers see the old or the new bytes, never a mix. */
  put(key: string, data: Uint8Array): Promise<void>;
  /** The bytes under `key`, or undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes `key`; true when it existed. */
  delete(key: string): Promise<boolean>;
  /** Every key starting with `prefix`, sorted. */
  list(prefix: string): Promise<ArtifactInfo[]>;
  /** Removes every key starting with `prefix`; returns how many went. */
  deletePrefix(prefix: string): Promise<number>;
}
