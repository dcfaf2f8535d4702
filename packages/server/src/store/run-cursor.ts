/**
 * The opaque cursor of a page of runs: the last run's start time and id, so the next page
 * starts strictly after it in (start time, run id) order, newest first. Any SQL store can use it.
 */
import type { RunRecord } from './store.ts';

/** The cursor that follows `last`. */
export function runCursor(last: RunRecord): string {
  return Buffer.from(JSON.stringify([last.startTime, last.runId])).toString('base64url');
}

/** `[startTime, runId]` of a cursor, or undefined when it is not one of ours. */
export function readRunCursor(cursor: string): [string, string] | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string') ? [v[0], v[1]] : undefined;
  } catch {
    return undefined;
  }
}
