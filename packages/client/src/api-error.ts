/**
 * The one error the client throws for an answer that is not 2xx (or no answer at all): the
 * HTTP status, a stable code and the server's message. It reads every error body the API may
 * send: dlt's `{ code, message }`, fastify's `{ statusCode, error, message }`, and the seed's
 * JSON string `"CODE: message"`.
 */

const brand = Symbol.for('dlt.api-error');

/** Codes the client itself gives when there is no server answer to read one from. */
export const clientErrorCodes = {
  /** The request never got an answer (refused, reset, DNS). */
  network: 'NETWORK_ERROR',
  /** The answer was not what the API sends (not JSON where JSON was due). */
  badResponse: 'BAD_RESPONSE',
} as const;

/** A failed API call. `status` is 0 when no answer came back. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Every problem the server listed for a bad body, when it did. */
  readonly problems: readonly unknown[];
  readonly [brand] = true;

  constructor(
    status: number,
    code: string,
    message: string,
    options?: { problems?: readonly unknown[]; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problems = options?.problems ?? [];
  }

  /** Works across duplicate copies of the package, unlike `instanceof`. */
  static is(e: unknown): e is ApiError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
  }
}

/** The error a non-2xx response stands for; reads (and so consumes) its body. */
export async function apiErrorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  try {
    body = text === '' ? '' : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page): the text itself is the message.
  }
  const fallback = res.statusText || `HTTP ${res.status}`;
  if (typeof body === 'string') {
    const m = /^([A-Z][A-Z0-9_]+): (.*)$/s.exec(body);
    if (m) return new ApiError(res.status, m[1], m[2]);
    return new ApiError(res.status, codeOf(res.status), body.trim().slice(0, 500) || fallback);
  }
  const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof o.code === 'string' ? o.code : codeOf(res.status);
  const message = typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : fallback;
  const problems = Array.isArray(o.problems) ? o.problems : [];
  return new ApiError(res.status, code, message, { problems });
}

/** A code for a status when the body gives none. */
function codeOf(status: number): string {
  const known: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    409: 'CONFLICT',
    413: 'TOO_LARGE',
    429: 'TOO_MANY_REQUESTS',
  };
  return known[status] ?? (status >= 500 ? 'SERVER_ERROR' : `HTTP_${status}`);
}
