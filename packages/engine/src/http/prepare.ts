/**
 * Turns an `HttpRequest` into a `Prepared` one: the URL parsed once and the whole request
 * (head and body) serialised into one Buffer, written as is on every send.
 */
import { isIP } from 'node:net';
import { badInput, type HttpRequest, type PreparedRequest, type Problem } from '@dlt/model';
import { type H2Request, h2Request } from './h2-request.ts';

/** What to keep of a response body. */
export type BodyMode = NonNullable<HttpRequest['responseBody']>;

const bodyModes: readonly BodyMode[] = ['discard', 'text', 'binary'];
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const badValue = /[\r\n\0]/;
/** Headers the client writes itself from the request, so a user copy would contradict it. */
const framingHeaders = new Set(['content-length', 'transfer-encoding']);
const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);
const noWire = Buffer.alloc(0);

/** A request ready to send: everything the hot path needs, computed once. */
export class Prepared implements PreparedRequest {
  readonly request: HttpRequest;
  readonly method: string;
  /** The URL as parsed (normalised). */
  readonly url: string;
  readonly secure: boolean;
  /** Host name or IP address, without IPv6 brackets. */
  readonly hostname: string;
  readonly port: number;
  /** 4 or 6 for an IP literal (no DNS), else 0. */
  readonly ipFamily: 0 | 4 | 6;
  /** Connections are shared by requests with the same key (scheme, host, port, TLS checks). */
  readonly poolKey: string;
  /** Request line, headers and body, ready for the socket (empty for HTTP/2). */
  readonly wire: Buffer;
  /** Headers and body for HTTP/2, when the request asks for it; else null. */
  readonly h2: H2Request | null;
  readonly headRequest: boolean;
  readonly bodyMode: BodyMode;
  readonly keepAlive: boolean;
  readonly insecure: boolean;
  readonly timeoutMs: number | undefined;
  readonly maxRedirects: number;

  constructor(request: HttpRequest) {
    const problems = problemsOf(request);
    if (problems.length > 0) throw badInput(problems, `invalid request ${JSON.stringify(request.label)}`);
    const url = new URL(request.url);
    this.request = request;
    this.method = request.method.toUpperCase();
    this.url = url.href;
    this.secure = url.protocol === 'https:';
    this.hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    this.port = url.port === '' ? (this.secure ? 443 : 80) : Number(url.port);
    this.ipFamily = isIP(this.hostname) as 0 | 4 | 6;
    this.insecure = request.insecure === true;
    this.poolKey = `${url.protocol}//${url.host}${this.secure && this.insecure ? ' insecure' : ''}`;
    this.headRequest = this.method === 'HEAD';
    this.bodyMode = request.responseBody ?? 'discard';
    const userClose = /(^|,)\s*close\s*(,|$)/i.test(headerValue(request, 'connection') ?? '');
    this.keepAlive = request.keepAlive !== false && !userClose;
    this.timeoutMs = request.timeoutMs;
    this.maxRedirects = request.maxRedirects ?? 0;
    this.h2 = request.http2 === true ? h2Request(request, this.method, url) : null;
    this.wire = this.h2 === null ? serialise(this, url, request) : noWire;
  }
}

/** Prepares `request` unless it already is prepared. */
export function prepare(request: PreparedRequest | HttpRequest): Prepared {
  if (request instanceof Prepared) return request;
  return new Prepared('request' in request ? request.request : request);
}

function problemsOf(r: HttpRequest): Problem[] {
  const problems: Problem[] = [];
  const url = URL.parse(r.url);
  if (url === null) problems.push({ field: 'url', message: `not a URL: ${JSON.stringify(r.url)}` });
  else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push({ field: 'url', message: `unsupported scheme ${url.protocol}`, hint: 'use http: or https:' });
  }
  if (!token.test(r.method)) problems.push({ field: 'method', message: `bad method ${JSON.stringify(r.method)}` });
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    if (!token.test(name)) problems.push({ field: `headers.${name}`, message: 'bad header name' });
    if (typeof value !== 'string' || badValue.test(value)) {
      problems.push({ field: `headers.${name}`, message: 'header value must be a string without CR, LF or NUL' });
    }
  }
  if (r.responseBody !== undefined && !bodyModes.includes(r.responseBody)) {
    problems.push({ field: 'responseBody', message: `must be one of ${bodyModes.join(', ')}` });
  }
  if (r.timeoutMs !== undefined && !(r.timeoutMs > 0)) problems.push({ field: 'timeoutMs', message: 'must be > 0' });
  return problems;
}

function headerValue(r: HttpRequest, lower: string): string | undefined {
  for (const [name, value] of Object.entries(r.headers ?? {})) if (name.toLowerCase() === lower) return value;
  return undefined;
}

function serialise(p: Prepared, url: URL, r: HttpRequest): Buffer {
  const body = r.body === undefined ? null : typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  let head = `${p.method} ${url.pathname}${url.search} HTTP/1.1\r\n`;
  if (headerValue(r, 'host') === undefined) head += `Host: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    if (!framingHeaders.has(name.toLowerCase())) head += `${name}: ${value}\r\n`;
  }
  if (headerValue(r, 'user-agent') === undefined) head += 'User-Agent: dlt\r\n';
  if (body !== null || bodyMethods.has(p.method)) head += `Content-Length: ${body?.byteLength ?? 0}\r\n`;
  if (!p.keepAlive && headerValue(r, 'connection') === undefined) head += 'Connection: close\r\n';
  head += '\r\n';
  const headBytes = Buffer.from(head);
  return body === null || body.byteLength === 0 ? headBytes : Buffer.concat([headBytes, body]);
}
