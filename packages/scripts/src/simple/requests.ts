/**
 * Turns a validated scenario into the requests one iteration sends, with every scenario-level
 * setting folded in:
 * - headers: the scenario's, overlaid by the request's (names compared case-insensitively);
 * - URLs: relative ones resolved against `default-address`;
 * - body: a string is sent as written; an object or list is sent as JSON (adding
 *   `content-type: application/json` when no content type is set), except that a flat object
 *   under `content-type: application/x-www-form-urlencoded` is sent form-encoded;
 * - label: `label`, else `METHOD /path?query` when the URL is on the default-address origin
 *   (or is relative), else `METHOD <full URL>`, so requests to different hosts never merge;
 * - think time, timeout, follow-redirects and http2: the request's, else the scenario's;
 *   following redirects (the Taurus default) allows up to 10 of them, as k6 does.
 */
import type { HttpRequest, RequestDefinition, ScenarioDefinition } from '@dlt/model';

/** One request of an iteration and the pause after it. */
export interface SimpleStep {
  readonly request: HttpRequest;
  readonly thinkMs: number;
}

/** Redirects followed when `follow-redirects` is on (k6's default `maxRedirects`). */
export const followedRedirects = 10;

/** The steps of a scenario, in order. */
export function scenarioSteps(s: ScenarioDefinition): SimpleStep[] {
  return (s.requests ?? []).map((r) => ({
    request: httpRequest(r, s),
    thinkMs: r['think-time'] ?? s['think-time'] ?? 0,
  }));
}

function httpRequest(r: RequestDefinition, s: ScenarioDefinition): HttpRequest {
  const url = new URL(r.url, s['default-address']);
  const headers = mergeHeaders(s.headers, r.headers);
  const body = r.body === undefined ? undefined : encodeBody(r.body, headers);
  const timeoutMs = r.timeout ?? s.timeout;
  const follow = r['follow-redirects'] ?? s['follow-redirects'];
  return {
    label: r.label ?? defaultLabel(r.method, url, s['default-address']),
    method: r.method,
    url: url.href,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body === undefined ? {} : { body }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    maxRedirects: follow ? followedRedirects : 0,
    ...(s.keepalive ? {} : { keepAlive: false }),
    ...(s['tls-verify'] ? {} : { insecure: true }),
    ...((r.http2 ?? s.http2) === true ? { http2: true } : {}),
  };
}

/** `GET /login` on the default address, `GET http://other:81/login` elsewhere. */
export function defaultLabel(method: string, url: URL, defaultAddress: string | undefined): string {
  const onBase = defaultAddress !== undefined && new URL(defaultAddress).origin === url.origin;
  return `${method} ${onBase ? `${url.pathname}${url.search}` : url.href}`;
}

function mergeHeaders(...layers: (Readonly<Record<string, string>> | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      for (const k of Object.keys(out)) if (k.toLowerCase() === name.toLowerCase()) delete out[k];
      out[name] = value;
    }
  }
  return out;
}

function contentType(headers: Record<string, string>): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
  return key === undefined ? undefined : headers[key];
}

/** Encodes an object body; adds a JSON content type to `headers` when none is set. */
function encodeBody(body: NonNullable<RequestDefinition['body']>, headers: Record<string, string>): string {
  if (typeof body === 'string') return body;
  const type = contentType(headers);
  if (type !== undefined && /^application\/x-www-form-urlencoded\b/i.test(type) && !Array.isArray(body)) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    return form.toString();
  }
  if (type === undefined) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}
