/**
 * Uploads a task's result until the server acknowledges it (any 2xx). Network failures, 5xx,
 * 408 and 429 are retried with backoff; the upload is idempotent on the server, so a repeat of
 * one that did arrive is harmless. Another 4xx will not get better by asking again: it fails.
 */
import { ApiError } from '@dlt/client';
import type { TaskUpload } from '@dlt/model';
import { type Backoff, backoffMs, defaultBackoff, pause } from './backoff.ts';

export interface UploadOptions {
  /** Gives up (rejects) when aborted: the agent is stopping and cannot wait any longer. */
  readonly signal?: AbortSignal;
  readonly backoff?: Backoff;
  readonly log?: (line: string) => void;
}

/** Puts `upload` with `put` until acknowledged; resolves with the number of attempts. */
export async function uploadUntilAcknowledged(
  put: (upload: TaskUpload, signal?: AbortSignal) => Promise<void>,
  upload: TaskUpload,
  options: UploadOptions = {},
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await put(upload, options.signal);
      return attempt + 1;
    } catch (e) {
      if (options.signal?.aborted) throw new Error(`the result of task ${upload.taskId} was not uploaded: stopped`);
      if (ApiError.is(e) && !retryable(e.status)) {
        throw new Error(`the server refused the result of task ${upload.taskId}: ${e.status} ${e.message}`);
      }
      const wait = backoffMs(attempt, options.backoff ?? defaultBackoff);
      options.log?.(`result upload of task ${upload.taskId} failed (${(e as Error).message}); retrying in ${wait} ms`);
      if (!(await pause(wait, options.signal))) {
        throw new Error(`the result of task ${upload.taskId} was not uploaded: stopped`);
      }
    }
  }
}

/** Statuses worth asking again: no answer, timeouts, throttling and server errors. */
export function retryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}
