/**
 * The fastify app: CORS, body limits, a bytes parser for uploads, the error handler that turns
 * every failure into `{ code, message, problems? }`, and every route of the route list with its
 * access rule checked before the body is even read.
 */
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { allows } from '../auth/roles.ts';
import { serveConsole } from './console-files.ts';
import type { ApiContext } from './context.ts';
import { badRequest, HttpError } from './errors.ts';
import { maxJsonDepth, nestsDeeperThan } from './json-depth.ts';
import { metricsRoutes, PlatformMetrics } from './metrics-route.ts';
import { oidcRoutes } from './oidc-routes.ts';
import { openApiDocument } from './openapi.ts';
import { type AnyRoute, parsePart, route } from './route.ts';
import { runRoutes } from './run-routes.ts';
import { scenarioRoutes } from './scenario-routes.ts';
import { systemRoutes } from './system-routes.ts';
import { userRoutes } from './user-routes.ts';

/** Every route of the API, in the order the OpenAPI document lists them. */
export function apiRoutes(ctx: ApiContext, platform = new PlatformMetrics(ctx)): AnyRoute[] {
  const routes = [
    ...scenarioRoutes(ctx),
    ...runRoutes(ctx),
    ...systemRoutes(ctx),
    ...userRoutes(ctx),
    ...oidcRoutes(ctx),
  ];
  routes.push(...metricsRoutes(ctx, platform));
  const doc = openApiDocument(routes);
  return [
    ...routes,
    route({
      method: 'GET',
      url: '/api/openapi.json',
      access: 'public',
      summary: 'This document',
      handler: async () => doc,
    }),
  ];
}

function errorBody(e: FastifyError | HttpError): [number, object] {
  if (e instanceof HttpError) return [e.status, e.body];
  const status = e.statusCode ?? 500;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return [413, new HttpError('PAYLOAD_TOO_LARGE', e.message).body];
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return [415, new HttpError('UNSUPPORTED_MEDIA_TYPE', e.message).body];
  if (status >= 400 && status < 500) {
    return [
      status,
      { code: 'INVALID_REQUEST_BODY', message: e.message, problems: [{ field: 'body', message: e.message }] },
    ];
  }
  return [500, { code: 'INTERNAL_ERROR', message: 'internal error; see the server log' }];
}

/** `consoleDir`: the built web console, served at `/` (paths outside `/api`). */
export async function buildApp(
  ctx: ApiContext,
  log?: (line: string) => void,
  consoleDir?: string,
): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: ctx.limits.bodyBytes,
    logger: false,
    return503OnClosing: false,
    // fastify's default (100) would answer 414 to a seed id of 101–128 characters; zod checks the ids.
    routerOptions: { maxParamLength: 1000 },
  });
  await app.register(cors, {
    origin: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    // The MCP headers let browser-based MCP clients reach /mcp (when a front door mounts it).
    allowedHeaders: ['authorization', 'content-type', 'x-correlation-id', 'mcp-protocol-version', 'mcp-session-id'],
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((e: FastifyError | HttpError, req, reply) => {
    const [status, body] = errorBody(e);
    if (status >= 500) log?.(`${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
    reply.status(status).send(body);
  });
  app.setNotFoundHandler(async (req, reply) => {
    if (consoleDir && (await serveConsole(consoleDir, req, reply))) return reply;
    return reply.status(404).send(new HttpError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`).body);
  });
  const platform = new PlatformMetrics(ctx);
  app.addHook('onResponse', async (req, reply) => {
    platform.request(req.method, req.routeOptions.url, reply.statusCode, reply.elapsedTime);
  });
  for (const r of apiRoutes(ctx, platform)) register(app, ctx, r);
  return app;
}

function register(app: FastifyInstance, ctx: ApiContext, r: AnyRoute): void {
  app.route({
    method: r.method,
    url: r.url,
    ...(r.bodyLimit ? { bodyLimit: r.bodyLimit } : {}),
    onRequest: async (req: FastifyRequest) => {
      if (r.access === 'public') return;
      const checked = await ctx.auth.check(req.headers.authorization);
      if (!checked.ok) throw new HttpError(checked.status === 403 ? 'FORBIDDEN' : 'UNAUTHORIZED', checked.reason);
      const { principal } = checked;
      if (!allows(principal.role, r.access)) {
        throw new HttpError('FORBIDDEN', `this needs the ${r.access} role; the token has ${principal.role}`);
      }
      (req as { principal?: unknown }).principal = principal;
    },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      if (!r.rawBody && Buffer.isBuffer(req.body)) {
        throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'send JSON with Content-Type: application/json');
      }
      if (!r.rawBody && nestsDeeperThan(req.body, maxJsonDepth)) {
        throw badRequest('INVALID_REQUEST_BODY', [{ message: `nests deeper than ${maxJsonDepth} levels` }]);
      }
      const params = parsePart(r.params, req.params, 'INVALID_PARAMETER');
      const query = parsePart(r.query, req.query ?? {}, 'INVALID_QUERY');
      const body = parsePart(r.body, req.body, 'INVALID_REQUEST_BODY');
      const principal = (req as { principal?: ApiContextPrincipal }).principal;
      const out = await r.handler({ params, query, body, principal, request: req, reply });
      if (reply.sent) return reply;
      if (r.status) reply.status(r.status);
      // The seed answers some calls with a bare JSON string ("success", "test cancelling").
      if (typeof out === 'string') return reply.type('application/json; charset=utf-8').send(JSON.stringify(out));
      return out;
    },
  });
}

type ApiContextPrincipal = Parameters<AnyRoute['handler']>[0]['principal'];
