/**
 * `/mcp` on the dlt server itself, over the streamable HTTP transport, stateless: each POST gets
 * a fresh MCP server whose tools read the API in-process (`inject`, no socket) with the
 * caller's own token, so the REST API's authorisation applies to every read. The token must
 * be at least a viewer's; without one the answer is 401 with `WWW-Authenticate: Bearer`.
 */
import { type ApiContext, allows, type ServerPlugin } from '@dlt/server';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpServer } from './mcp-server.ts';
import { readOnlyContext } from './read-only.ts';

type App = Parameters<ServerPlugin>[0];

/** A fetch that answers from `app` through `inject`: the same routes, hooks and auth, no socket. */
export function injectFetch(app: App): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    }
    const empty = res.statusCode === 204 || res.statusCode === 304;
    return new Response(empty ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
}

function rpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/** Who may call `/mcp`: a refusal (status and message) or the caller's raw token. */
async function admit(ctx: ApiContext, header: string | undefined): Promise<{ token: string } | [number, string]> {
  const checked = await ctx.auth
    .check(header)
    .catch((e: Error) => ({ ok: false, status: 401, reason: e.message }) as const);
  if (!checked.ok) {
    const hint = checked.status === 401 ? ' (an API token; a viewer token is enough)' : '';
    return [checked.status, `${checked.reason}${hint}`];
  }
  const { role } = checked.principal;
  if (!allows(role, 'viewer')) return [403, `the MCP server needs a viewer token; this one is ${role}`];
  return { token: /^Bearer\s+(\S+)$/i.exec(header ?? '')![1] };
}

/** Mounts the MCP endpoint at `path` (default `/mcp`). */
export function mcpEndpoint(path = '/mcp', version = '0.0.0'): ServerPlugin {
  return (app, ctx) => {
    const inApp = injectFetch(app);
    app.route({
      method: ['GET', 'POST', 'DELETE'],
      url: path,
      // A body that is not JSON fails before the handler: answer it as JSON-RPC does (parse error).
      errorHandler: (e, _req, reply) => {
        const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
        const code = status === 400 ? -32700 : -32603;
        return reply.status(status).send(rpcError(code, `${status === 400 ? 'Parse error' : 'Error'}: ${e.message}`));
      },
      handler: async (req, reply) => {
        const who = await admit(ctx, req.headers.authorization);
        if (Array.isArray(who)) {
          if (who[0] === 401) reply.header('www-authenticate', 'Bearer realm="dlt"');
          return reply.status(who[0]).send(rpcError(-32001, who[1]));
        }
        // Stateless: no session to resume or stream to, so only POST carries messages.
        if (req.method !== 'POST') {
          return reply.status(405).header('allow', 'POST').send(rpcError(-32000, 'use POST (stateless server)'));
        }
        const server = createMcpServer(
          readOnlyContext({ baseUrl: 'http://dlt.internal', token: who.token, fetch: inApp }),
          version,
        );
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: undefined,
          enableJsonResponse: true,
        });
        reply.hijack();
        reply.raw.on('close', () => {
          void transport.close();
          void server.close();
        });
        try {
          await server.connect(transport);
          await transport.handleRequest(req.raw, reply.raw, req.body);
        } catch (e) {
          // The reply is ours now (hijacked): answer the error here rather than leave the client hanging.
          if (!reply.raw.headersSent) {
            reply.raw.writeHead(500, { 'content-type': 'application/json' });
            reply.raw.end(JSON.stringify(rpcError(-32603, `MCP request failed: ${(e as Error).message}`)));
          }
        }
      },
    });
  };
}
