/**
 * What an HTTP/2 request sends, computed once when it is prepared: the header block as
 * `node:http2` takes it (pseudo-headers first, names lower-cased, HTTP/1.1's connection
 * headers left out, as HTTP/2 forbids them) and the body.
 */
import type { OutgoingHttpHeaders } from 'node:http2';
import type { HttpRequest } from '@dlt/model';

/** HTTP/1.1 headers about the connection, which an HTTP/2 request must not carry (RFC 9113 §8.2.2). */
const connectionHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

/** The parts of an HTTP/2 request. */
export interface H2Request {
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | null;
  /**
   * Bytes counted as sent for the header block: each field as `name: value\r\n`, as HTTP/1.1
   * would send it. HPACK sends less (much less once its table holds the fields), so this is
   * an upper bound, kept so that byte counts compare across protocols.
   */
  readonly headerBytes: number;
}

/** The HTTP/2 form of `request` (whose method is `method`, upper-cased, and URL `url`). */
export function h2Request(request: HttpRequest, method: string, url: URL): H2Request {
  const body = request.body === undefined ? null : Buffer.from(request.body);
  const headers: Record<string, string> = {
    ':method': method,
    ':scheme': url.protocol.slice(0, -1),
    ':authority': url.host,
    ':path': `${url.pathname}${url.search}`,
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'host') headers[':authority'] = value;
    else if (connectionHeaders.has(lower) || lower === 'content-length') continue;
    else if (lower === 'te' && value.trim().toLowerCase() !== 'trailers') continue;
    else headers[lower] = Object.hasOwn(headers, lower) ? `${headers[lower]}, ${value}` : value;
  }
  headers['user-agent'] ??= 'dlt';
  if (body !== null || bodyMethods.has(method)) headers['content-length'] = String(body?.byteLength ?? 0);
  let headerBytes = 0;
  for (const [name, value] of Object.entries(headers)) headerBytes += name.length + value.length + 4;
  return { headers, body: body === null || body.byteLength === 0 ? null : body, headerBytes };
}
