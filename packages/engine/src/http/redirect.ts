/**
 * Follows redirects for requests that ask for it (`maxRedirects > 0`). The response returned
 * is the last one; its timings and byte counts are the sums over every hop, so they add up to
 * what the user waited for.
 */
import type { HttpRequest, HttpResponse, Timings } from '@dlt/model';
import { Prepared } from './prepare.ts';
import type { ClientResponse } from './response.ts';

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a body the redirected request no longer carries. */
const bodyHeaders = new Set(['content-length', 'content-type', 'transfer-encoding']);
/** Credentials are not handed to another origin. */
const credentialHeaders = new Set(['authorization', 'cookie', 'proxy-authorization']);

type Exchange = (req: Prepared) => Promise<ClientResponse>;

/** Sends `first` and follows up to `first.maxRedirects` redirects through `exchange`. */
export async function followRedirects(exchange: Exchange, first: Prepared): Promise<ClientResponse> {
  let req = first;
  let res = await exchange(req);
  const hops: ClientResponse[] = [res];
  while (hops.length <= first.maxRedirects && redirectStatuses.has(res.status)) {
    const next = redirected(req, res);
    if (next === null) break;
    req = next;
    res = await exchange(req);
    hops.push(res);
  }
  return hops.length === 1 ? res : summed(res, hops);
}

/** The request a redirect asks for, or null when its Location is missing or unusable. */
function redirected(req: Prepared, res: HttpResponse): Prepared | null {
  const location = res.headers.location;
  const url = location === undefined ? null : URL.parse(location, req.url);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  const keepsMethod = res.status === 307 || res.status === 308 || req.method === 'HEAD';
  const sameOrigin = url.origin === new URL(req.url).origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.request.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'host' || (!keepsMethod && bodyHeaders.has(lower))) continue;
    if (!sameOrigin && credentialHeaders.has(lower)) continue;
    headers[name] = value;
  }
  const { body: _body, ...rest } = req.request;
  const next: HttpRequest = keepsMethod
    ? { ...req.request, url: url.href, headers }
    : { ...rest, method: 'GET', url: url.href, headers };
  return new Prepared(next);
}

function summed(last: ClientResponse, hops: readonly HttpResponse[]): ClientResponse {
  const total = { blocked: 0, dns: 0, connect: 0, tls: 0, send: 0, wait: 0, receive: 0 };
  let sent = 0;
  let received = 0;
  for (const hop of hops) {
    for (const phase of Object.keys(total) as (keyof Timings)[]) total[phase] += hop.timings[phase];
    sent += hop.bytesSent;
    received += hop.bytesReceived;
  }
  return last.withTotals(total, sent, received);
}
