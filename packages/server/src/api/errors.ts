/**
 * The API's error catalogue: each failure a stable code (the seed's codes where it has one) and
 * an HTTP status. The body is `{ code, message, problems? }`, where `problems` names every bad
 * field of a request at once: `{ field, message, hint? }`.
 */
import type { Problem } from '@dlt/model';

export const apiErrors = {
  INVALID_REQUEST_BODY: 400,
  INVALID_PARAMETER: 400,
  INVALID_QUERY: 400,
  NO_BASELINE_SET: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TEST_NOT_FOUND: 404,
  TESTRUN_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  TEST_RUNNING: 409,
  CONFLICT: 409,
  TEST_NOT_RUNNING: 409,
  BASELINE_CONFLICT: 409,
  TASK_MISMATCH: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_ERROR: 500,
  OIDC_UNAVAILABLE: 503,
} as const;
export type ApiErrorCode = keyof typeof apiErrors;

/** An error that becomes an HTTP answer. */
export class HttpError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly problems: readonly Problem[];

  constructor(code: ApiErrorCode, message: string, problems: readonly Problem[] = []) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = apiErrors[code];
    this.problems = problems;
  }

  get body(): { code: string; message: string; problems?: readonly Problem[] } {
    return { code: this.code, message: this.message, ...(this.problems.length > 0 ? { problems: this.problems } : {}) };
  }
}

/** A 400 listing every problem, with a message that reads on its own. */
export function badRequest(
  code: 'INVALID_REQUEST_BODY' | 'INVALID_PARAMETER' | 'INVALID_QUERY',
  problems: readonly Problem[],
) {
  const list = problems.map((p) => `${p.field ? `${p.field}: ` : ''}${p.message}`).join('; ');
  return new HttpError(code, list || 'invalid request', problems);
}

export const notFound = (code: 'TEST_NOT_FOUND' | 'TESTRUN_NOT_FOUND' | 'TASK_NOT_FOUND' | 'NOT_FOUND', what: string) =>
  new HttpError(code, `${what} not found`);
