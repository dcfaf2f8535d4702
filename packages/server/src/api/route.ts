/**
 * A route is data: method, path, who may call it, the zod schemas of its parameters, query and
 * body, and a handler that gets them parsed. The app registers every route from one list, the
 * OpenAPI document is generated from the same list, and the auth test walks it, so no route
 * can be added without its schema and its access rule.
 */
import { closest, issueProblems, type Problem, toProblem } from '@dlt/model';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../auth/auth.ts';
import type { Access } from '../auth/roles.ts';
import { badRequest } from './errors.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteCall<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** Undefined only on public routes. */
  readonly principal: Principal | undefined;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface Route<P = unknown, Q = unknown, B = unknown> {
  readonly method: Method;
  /** fastify style: `/api/scenarios/:testId`. */
  readonly url: string;
  readonly access: Access;
  readonly summary: string;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** The body arrives as bytes (uploads) rather than JSON. */
  readonly rawBody?: boolean;
  /** Largest body accepted, bytes (the app's default otherwise). */
  readonly bodyLimit?: number;
  /** Media types of a success that is not JSON (downloads), for the OpenAPI document. */
  readonly produces?: readonly string[];
  /** Status of a success (200 unless said). */
  readonly status?: number;
  handler(call: RouteCall<P, Q, B>): Promise<unknown>;
}

/** A route of any parameter, query and body types, as lists hold them. */
export type AnyRoute = Route<unknown, unknown, unknown>;

/** Declares a route with its types inferred from its schemas. */
export function route<P = undefined, Q = undefined, B = undefined>(r: Route<P, Q, B>): AnyRoute {
  return r as AnyRoute;
}

/** Every problem of a failed parse, field paths prefixed with `where` (e.g. `query`). */
export function zodProblems(error: z.ZodError, where?: string, schema?: z.ZodType): Problem[] {
  const known = schema !== undefined && 'shape' in schema ? Object.keys(schema.shape as object) : undefined;
  return error.issues
    .flatMap((issue) =>
      // An unknown key of the part itself: the hint lists this part's fields, not a test definition's.
      issue.code === 'unrecognized_keys' && issue.path.length === 0 && known !== undefined
        ? issue.keys.map((k) => ({ path: [k], message: 'unknown field', hint: knownHint(k, known) }))
        : issueProblems(issue),
    )
    .map((p) => toProblem(where ? { ...p, path: [where, ...p.path] } : p));
}

function knownHint(key: string, known: readonly string[]): string {
  if (known.length === 0) return 'it takes none';
  const near = closest(key, known);
  return near !== undefined ? `did you mean ${near}?` : `fields: ${known.join(', ')}`;
}

/** Parses one part of a request or throws a 400 naming every bad field. */
export function parsePart<T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  code: 'INVALID_REQUEST_BODY' | 'INVALID_PARAMETER' | 'INVALID_QUERY',
): T {
  if (schema === undefined) return undefined as T;
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  throw badRequest(code, zodProblems(r.error, undefined, schema));
}
