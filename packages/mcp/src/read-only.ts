/**
 * The MCP server reads and never writes: every request it sends goes through a fetch that
 * refuses anything but GET, so no tool, present or future, can change a test, start a run or
 * mint a token, whatever role the caller's token has.
 */
import { ApiError, createClient } from '@dlt/client';
import type { ToolContext } from './tools/tool.ts';

/** Wraps `inner` so that only GET (and HEAD) requests are sent. */
export function readOnlyFetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      return Promise.reject(new Error(`the MCP server is read-only: it does not send ${method} requests`));
    }
    return inner(input, init);
  };
}

export interface ServerAccess {
  /** The server's address, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** An API token (a viewer's is enough). */
  readonly token?: string;
  /** Another fetch (the server's in-process one for `/mcp`); the global one by default. */
  readonly fetch?: typeof fetch;
}

/** A tool context whose every request is a GET to `baseUrl` with `token`. */
export function readOnlyContext(access: ServerAccess): ToolContext {
  const doFetch = readOnlyFetch(access.fetch);
  const client = createClient({ baseUrl: access.baseUrl, token: access.token, fetch: doFetch });
  const base = access.baseUrl.replace(/\/+$/, '');
  return {
    client,
    async getJson(path) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (access.token) headers.authorization = `Bearer ${access.token}`;
      const res = await doFetch(`${base}${path}`, { headers });
      if (!res.ok) throw new ApiError(res.status, 'HTTP_ERROR', `GET ${path}: HTTP ${res.status}`);
      return res.json();
    },
  };
}
