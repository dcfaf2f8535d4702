/** Small helpers over HTTP/2 header fields for the exchange: their size and trailers merged in. */
import type { IncomingHttpHeaders } from 'node:http2';
import type { H2Fields } from './response.ts';

/**
 * A header block's size counted as HTTP/1.1 text (`name: value\r\n` per field, pseudo-headers
 * included). HPACK sends less, so this is an upper bound that compares across protocols.
 */
export function fieldBytes(fields: IncomingHttpHeaders): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [String(value)];
    for (const v of values) bytes += name.length + v.length + 4;
  }
  return bytes;
}

/** Headers with trailers added; a name in both keeps both values, as HTTP/1.1 trailers do. */
export function withTrailers(headers: H2Fields, trailers: IncomingHttpHeaders): H2Fields {
  const out: Record<string, string | string[] | number | undefined> = { ...headers };
  for (const [name, value] of Object.entries(trailers)) {
    const prior = out[name];
    out[name] = prior === undefined ? value : [prior, value ?? []].flat().map(String);
  }
  return out;
}
