/** The parts of a sample that JMeter's assertions and extractors read: body, headers, code, message, URL. */
import { STATUS_CODES } from 'node:http';
import type { HttpResponse } from '@dlt/model';

export const responseFields = [
  'body',
  'headers',
  'requestHeaders',
  'code',
  'message',
  'url',
  'label',
  'requestBody',
] as const;
export type ResponseField = (typeof responseFields)[number];

/** What was sent, for the fields about the request. */
export interface SentRequest {
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The text of `field` of a sample. */
export function fieldText(field: ResponseField, res: HttpResponse, sent: SentRequest): string {
  switch (field) {
    case 'body':
      return bodyText(res);
    case 'headers':
      return headerBlock(res);
    case 'requestHeaders':
      return Object.entries(sent.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
    case 'code':
      return res.status === 0 ? '' : String(res.status);
    case 'message':
      return res.status === 0 ? (res.errorMessage ?? '') : (STATUS_CODES[res.status] ?? '');
    case 'url':
      return res.url;
    case 'label':
      return sent.label;
    case 'requestBody':
      return sent.body;
  }
}

/** The body as text (UTF-8), empty when none was kept. */
export function bodyText(res: HttpResponse): string {
  if (res.body === null) return '';
  return typeof res.body === 'string' ? res.body : Buffer.from(res.body).toString('utf8');
}

/**
 * The response's status line and headers, as JMeter shows them. Header names arrive lower-cased;
 * they are written in the usual capitalisation (`Set-Cookie`, `X-Session`), as servers send them
 * and as the regular expressions of real plans expect.
 */
function headerBlock(res: HttpResponse): string {
  const lines = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`];
  for (const [k, v] of Object.entries(res.headers)) {
    const name = k.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
    for (const one of v.split('\n')) lines.push(`${name}: ${one}`);
  }
  return lines.join('\n');
}

/** How long the sample took, in ms, from the response's phases. */
export function elapsedMs(res: HttpResponse): number {
  const t = res.timings;
  return t.blocked + t.dns + t.connect + t.tls + t.send + t.wait + t.receive;
}
