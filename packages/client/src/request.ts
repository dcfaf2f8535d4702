/**
 * One API call over `fetch`: the base URL and token added, the query encoded, a JSON body sent,
 * and the answer read as JSON (or text), or turned into an `ApiError`.
 */
import { ApiError, apiErrorFrom, clientErrorCodes } from './api-error.ts';

/** Where the server is and who is calling. */
export interface ClientOptions {
  /** The server's address, e.g. `http://127.0.0.1:8080` (with or without a trailing slash). */
  readonly baseUrl: string;
  /** A session or API token, sent as `Authorization: Bearer …`. */
  readonly token?: string;
  /** Another fetch (a test double, a proxy-aware one); the global one by default. */
  readonly fetch?: typeof fetch;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface CallOptions {
  readonly query?: Query;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as it is, `application/octet-stream` (file uploads). */
  readonly bytes?: Uint8Array;
  readonly signal?: AbortSignal;
  /** Extra headers (e.g. `Accept: text/event-stream`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends requests to one server; `call` resolves with the parsed body, `open` with the raw response. */
export interface Requester {
  call<T>(method: Method, path: string, options?: CallOptions): Promise<T>;
  open(method: Method, path: string, options?: CallOptions): Promise<Response>;
  url(path: string, query?: Query): string;
}

export function requester(options: ClientOptions): Requester {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const url = (path: string, query: Query = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${base}${path}${qs ? `?${qs}` : ''}`;
  };
  const open = async (method: Method, path: string, o: CallOptions = {}): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const init: RequestInit = { method, headers, signal: o.signal };
    if (o.bytes !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      init.body = o.bytes as Uint8Array<ArrayBuffer>;
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(o.body);
    }
    let res: Response;
    try {
      res = await doFetch(url(path, o.query), init);
    } catch (e) {
      if (o.signal?.aborted) throw e;
      const why = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
      throw new ApiError(0, clientErrorCodes.network, `cannot reach ${base}: ${why}`, { cause: e });
    }
    if (!res.ok) throw await apiErrorFrom(res);
    return res;
  };
  const call = async <T>(method: Method, path: string, o: CallOptions = {}): Promise<T> => {
    const res = await open(method, path, o);
    const text = await res.text();
    if (text === '') return undefined as T;
    if (!(res.headers.get('content-type') ?? '').includes('json')) return text as T;
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new ApiError(res.status, clientErrorCodes.badResponse, `${method} ${path}: the answer is not JSON`, {
        cause: e,
      });
    }
  };
  return { call, open, url };
}
