/**
 * The OpenAPI 3.1 document, generated from the route list and its zod schemas (zod's own JSON
 * Schema output), so the document cannot drift from what the server checks.
 */
import { z } from 'zod';
import type { AnyRoute } from './route.ts';

const jsonSchema = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

function parameters(r: AnyRoute): object[] {
  const out: object[] = [];
  for (const [where, schema] of [
    ['path', r.params],
    ['query', r.query],
  ] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema) as { properties?: Record<string, object>; required?: string[] };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (s.required ?? []).includes(name), schema: prop });
    }
  }
  return out;
}

function operation(r: AnyRoute): object {
  const body = r.body
    ? r.rawBody
      ? { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }
      : { content: { 'application/json': { schema: jsonSchema(r.body) } } }
    : undefined;
  return {
    summary: r.summary,
    'x-dlt-access': r.access,
    ...(r.access === 'public' ? { security: [] } : {}),
    parameters: parameters(r),
    ...(body ? { requestBody: { required: true, ...body } } : {}),
    responses: {
      [String(r.status ?? 200)]: {
        description: 'success',
        ...(r.produces
          ? { content: Object.fromEntries(r.produces.map((t) => [t, { schema: { type: 'string' } }])) }
          : {}),
      },
      default: {
        description: 'an error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  };
}

export function openApiDocument(routes: readonly AnyRoute[]): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = operation(r);
  }
  paths['/api/openapi.json'] = {
    get: { summary: 'This document', security: [], responses: { 200: { description: 'success' } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'dlt',
      version: '0.0.0',
      description: 'Self-hosted distributed load testing; the seed API under /api.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string' },
            message: { type: 'string' },
            problems: {
              type: 'array',
              items: {
                type: 'object',
                properties: { field: { type: 'string' }, message: { type: 'string' }, hint: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
