/**
 * The response handed back by the client. Headers are parsed from the raw header block only
 * when first read, so a load test that never looks at them never pays for them.
 */
import type { ErrorKind, HttpResponse, Timings } from '@dlt/model';

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

/** Header fields as `node:http2` hands them over: lower-case names, pseudo-headers, arrays for repeats. */
export type H2Fields = Readonly<Record<string, string | string[] | number | undefined>>;
/** A response's headers: HTTP/1.1's raw header lines (CRLF-separated), or HTTP/2's fields. */
export type Head = string | H2Fields;

/** A finished request: a response, or status 0 with an error kind. */
export class ClientResponse implements HttpResponse {
  readonly status: number;
  readonly body: string | Uint8Array | null;
  readonly error: ErrorKind | null;
  readonly errorMessage?: string;
  readonly timings: Timings;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly url: string;
  #head: Head;
  #headers: Record<string, string> | null = null;

  constructor(
    status: number,
    head: Head,
    body: string | Uint8Array | null,
    error: ErrorKind | null,
    errorMessage: string | undefined,
    timings: Timings,
    bytesSent: number,
    bytesReceived: number,
    url: string,
  ) {
    this.status = status;
    this.#head = head;
    this.body = body;
    this.error = error;
    if (errorMessage !== undefined) this.errorMessage = errorMessage;
    this.timings = timings;
    this.bytesSent = bytesSent;
    this.bytesReceived = bytesReceived;
    this.url = url;
  }

  /** Header names lowercased; repeated headers joined with ", " (set-cookie with "\n"). */
  get headers(): Readonly<Record<string, string>> {
    if (this.#headers === null) {
      const head = this.#head;
      this.#headers = typeof head !== 'string' ? fromH2(head) : head === '' ? { ...noHeaders } : parseHeaders(head);
    }
    return this.#headers;
  }

  /** The same response with other timings and byte counts (a redirect chain's totals). */
  withTotals(timings: Timings, bytesSent: number, bytesReceived: number): ClientResponse {
    const { status, body, error, errorMessage, url } = this;
    return new ClientResponse(status, this.#head, body, error, errorMessage, timings, bytesSent, bytesReceived, url);
  }

  /** A plain copy, since `headers` is a getter that spreading and JSON would otherwise miss. */
  toJSON(): HttpResponse {
    const { status, headers, body, error, errorMessage, timings, bytesSent, bytesReceived, url } = this;
    const plain = { status, headers, body, error, timings, bytesSent, bytesReceived, url };
    return errorMessage === undefined ? plain : { ...plain, errorMessage };
  }
}

/** Parses CRLF-separated header lines (already validated by the response parser). */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\r\n', pos);
    if (end === -1) end = text.length;
    const colon = text.indexOf(':', pos);
    if (colon > pos && colon < end) {
      const name = text.slice(pos, colon).toLowerCase();
      const value = trimmed(text, colon + 1, end);
      const prior = Object.hasOwn(headers, name) ? headers[name] : undefined;
      if (name === '__proto__') {
        // never a real header; assigning it would change the object's prototype
      } else if (prior === undefined) headers[name] = value;
      else headers[name] = `${prior}${name === 'set-cookie' ? '\n' : ', '}${value}`;
    }
    pos = end + 2;
  }
  return headers;
}

/** HTTP/2 fields in the shape of `parseHeaders`' result: no pseudo-headers, repeats joined. */
function fromH2(fields: H2Fields): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || name.startsWith(':') || name === '__proto__') continue;
    headers[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : String(value);
  }
  return headers;
}

/** `text[from, to)` without the spaces and tabs around it (`trim()` would also take a latin1 NBSP). */
function trimmed(text: string, from: number, to: number): string {
  let s = from;
  let e = to;
  while (s < e && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
  while (e > s && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
  return text.slice(s, e);
}
