/**
 * An incremental HTTP/1.1 response parser over Buffers: it keeps only what framing needs
 * (status, length, chunking, keep-alive), leaves the header block as one string for lazy
 * parsing, and accepts input split at any byte.
 */

/** A response head (status line and headers) larger than this is a protocol error. */
export const maxHeadBytes = 64 * 1024;
/** A kept (text/binary) body larger than this is a protocol error; discarded bodies have no cap. */
export const maxBodyBytes = 32 * 1024 * 1024;
/** A chunk-size line (size and extensions) longer than this is a protocol error. */
const maxChunkLine = 4096;

const State = {
  Head: 0,
  Length: 1,
  UntilClose: 2,
  ChunkSize: 3,
  ChunkExt: 4,
  ChunkSizeLf: 5,
  ChunkData: 6,
  ChunkDataCr: 7,
  ChunkDataLf: 8,
  Trailers: 9,
  Done: 10,
  Failed: 11,
} as const;
type State = (typeof State)[keyof typeof State];

const CR = 13;
const LF = 10;
const headEnd = Buffer.from('\r\n\r\n');

/** Parses one response at a time; `reset()` before each request, then `execute()` every chunk. */
export class ResponseParser {
  /** Status code of the final (non-interim) response, 0 until its head is parsed. */
  status = 0;
  /** Header lines (and trailers) as received, CRLF-separated, without the status line. */
  headText = '';
  /** Whether the connection may carry another request after this response. */
  keepAlive = true;
  /** Bytes consumed for this response, interim responses included. */
  bytes = 0;
  /** Bytes of the (de-chunked) body. */
  bodyBytes = 0;
  /** Body pieces when the body is kept, else null. */
  chunks: Buffer[] | null = null;
  /** Why the response is malformed, when `failed`. */
  error = '';

  #state: State = State.Head;
  #noBody = false;
  #keepBody = false;
  #remaining = 0;
  #lineBytes = 0;
  #digits = 0;
  #acc: Buffer = Buffer.allocUnsafe(1024);
  #accLen = 0;

  /** Prepares for the response to a new request; HEAD responses carry no body. */
  reset(headRequest: boolean, keepBody: boolean): void {
    this.status = 0;
    this.headText = '';
    this.keepAlive = true;
    this.bytes = 0;
    this.bodyBytes = 0;
    this.chunks = keepBody ? [] : null;
    this.error = '';
    this.#state = State.Head;
    this.#noBody = headRequest;
    this.#keepBody = keepBody;
    this.#accLen = 0;
  }

  get done(): boolean {
    return this.#state === State.Done;
  }

  get failed(): boolean {
    return this.#state === State.Failed;
  }

  /** Whether any byte of the response arrived. */
  get started(): boolean {
    return this.bytes > 0 || this.#accLen > 0;
  }

  /**
   * Consumes bytes from `buf` (up to `n`) until the response is complete or has failed, and
   * returns how many it used: fewer than `n` only when done (extra bytes) or failed.
   */
  execute(buf: Buffer, n = buf.length): number {
    this.#end = n;
    let i = 0;
    while (i < n) {
      switch (this.#state) {
        case State.Head:
          i = this.#head(buf, i);
          break;
        case State.Length: {
          const take = Math.min(this.#remaining, n - i);
          this.#body(buf, i, take);
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0 && this.#state === State.Length) this.#state = State.Done;
          break;
        }
        case State.UntilClose:
          this.#body(buf, i, n - i);
          i = n;
          break;
        case State.ChunkData: {
          const take = Math.min(this.#remaining, n - i);
          this.#body(buf, i, take);
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0 && this.#state === State.ChunkData) this.#state = State.ChunkDataCr;
          break;
        }
        case State.Trailers:
          i = this.#trailers(buf, i);
          break;
        case State.Done:
        case State.Failed:
          this.bytes += i;
          return i;
        default:
          i = this.#chunkLine(buf, i);
      }
    }
    this.bytes += i;
    return i;
  }

  /** The peer closed the connection: completes a body delimited by close; false if it was cut short. */
  finish(): boolean {
    if (this.#state === State.UntilClose) this.#state = State.Done;
    return this.#state === State.Done;
  }

  #fail(reason: string): number {
    this.error = reason;
    this.#state = State.Failed;
    return 0;
  }

  #body(buf: Buffer, at: number, len: number): void {
    this.bodyBytes += len;
    if (this.chunks === null || len === 0) return;
    if (this.bodyBytes > maxBodyBytes) {
      this.#fail(`response body larger than ${maxBodyBytes} bytes`);
      return;
    }
    this.chunks.push(Buffer.from(buf.subarray(at, at + len))); // a copy: the caller may reuse `buf`
  }

  #append(buf: Buffer, at: number, len: number): void {
    if (this.#accLen + len > this.#acc.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#acc.length * 2, this.#accLen + len));
      this.#acc.copy(bigger, 0, 0, this.#accLen);
      this.#acc = bigger;
    }
    buf.copy(this.#acc, this.#accLen, at, at + len);
    this.#accLen += len;
  }

  /**
   * Returns a head (or trailer block) ending in a blank line as latin1 text, without that
   * blank line, and sets `#blockEnd` to the offset in `buf` just past it. Returns null when
   * more bytes are needed (they are kept) or the block is too large (then the parser failed).
   */
  #block(buf: Buffer, at: number): string | null {
    if (this.#accLen === 0) {
      const end = buf.indexOf(headEnd, at);
      if (end !== -1 && end + 4 <= this.#end && end - at <= maxHeadBytes) {
        this.#blockEnd = end + 4;
        return buf.toString('latin1', at, end);
      }
    }
    const prior = this.#accLen;
    this.#append(buf, at, Math.min(this.#end - at, maxHeadBytes + 4 - prior));
    const end = this.#acc.subarray(0, this.#accLen).indexOf(headEnd, Math.max(0, prior - 3));
    this.#blockEnd = this.#end;
    if (end === -1 || end > maxHeadBytes) {
      if (end !== -1 || this.#accLen >= maxHeadBytes + 4) this.#fail(`response head larger than ${maxHeadBytes} bytes`);
      return null;
    }
    this.#blockEnd = at + end + 4 - prior;
    this.#accLen = 0;
    return this.#acc.toString('latin1', 0, end);
  }

  #blockEnd = 0;
  /** Where the input of the current `execute` ends (the buffer may be longer). */
  #end = 0;

  #head(buf: Buffer, at: number): number {
    const text = this.#block(buf, at);
    if (text !== null) this.#onHead(text);
    return this.#blockEnd;
  }

  /** Trailers follow the last chunk; the usual case is none, just the final CRLF. */
  #trailers(buf: Buffer, at: number): number {
    if (this.#accLen === 0 && at + 1 < this.#end && buf[at] === CR && buf[at + 1] === LF) {
      this.#state = State.Done;
      return at + 2;
    }
    if (this.#accLen === 0) this.#append(crlf, 0, 2); // so an empty trailer block also ends in a blank line
    const text = this.#block(buf, at);
    if (text === null) return this.#blockEnd;
    const next = this.#blockEnd;
    const problem = typeof framingOf(text.slice(2)) === 'string';
    if (problem) return this.#fail('bad trailer line');
    if (text.length > 2) this.headText += this.headText === '' ? text.slice(2) : text;
    this.#state = State.Done;
    return next;
  }

  #onHead(text: string): void {
    const status = statusOf(text);
    if (status === 0) {
      this.#fail(`bad status line: ${JSON.stringify(text.slice(0, 40))}`);
      return;
    }
    const lineEnd = text.indexOf('\r\n');
    const headers = lineEnd === -1 ? '' : text.slice(lineEnd + 2);
    const framing = framingOf(headers);
    if (typeof framing === 'string') {
      this.#fail(framing);
      return;
    }
    if (status < 200 && status !== 101) return; // interim (100 Continue, 103 Early Hints): the real head follows
    this.status = status;
    this.headText = headers;
    const http10 = text.charCodeAt(7) === 48;
    this.keepAlive = framing.close ? false : http10 ? framing.keepAlive : true;
    this.#frame(status, framing);
  }

  #frame(status: number, framing: Framing): void {
    if (this.#noBody || status === 204 || status === 304 || status === 101) {
      if (status === 101) this.keepAlive = false;
      this.#state = State.Done;
    } else if (framing.chunked) {
      this.#state = State.ChunkSize;
      this.#remaining = 0;
      this.#digits = 0;
      this.#lineBytes = 0;
    } else if (framing.encoded || framing.length < 0) {
      this.keepAlive = false;
      this.#state = State.UntilClose;
    } else if (this.#keepBody && framing.length > maxBodyBytes) {
      this.#fail(`response body larger than ${maxBodyBytes} bytes`);
    } else {
      this.#remaining = framing.length;
      this.#state = framing.length === 0 ? State.Done : State.Length;
    }
  }

  /** The chunk-size line, its extensions and the CRLF around chunk data, one byte at a time. */
  #chunkLine(buf: Buffer, at: number): number {
    const c = buf[at];
    switch (this.#state) {
      case State.ChunkSize:
        return this.#sizeDigit(c, at);
      case State.ChunkExt:
        if (++this.#lineBytes > maxChunkLine) return this.#fail('chunk extension too long');
        if (c === CR) this.#state = State.ChunkSizeLf;
        return at + 1;
      case State.ChunkSizeLf:
        if (c !== LF) return this.#fail('bad chunk size line');
        this.#state = this.#remaining === 0 ? State.Trailers : State.ChunkData;
        return at + 1;
      case State.ChunkDataCr:
        if (c !== CR) return this.#fail('chunk data not followed by CRLF');
        this.#state = State.ChunkDataLf;
        return at + 1;
      case State.ChunkDataLf:
        if (c !== LF) return this.#fail('chunk data not followed by CRLF');
        this.#state = State.ChunkSize;
        this.#remaining = 0;
        this.#digits = 0;
        this.#lineBytes = 0;
        return at + 1;
      default:
        return this.#fail('parser in an unknown state');
    }
  }

  #sizeDigit(c: number, at: number): number {
    const v = hexValue(c);
    if (v >= 0) {
      if (++this.#digits > 12) return this.#fail('chunk size too large');
      this.#remaining = this.#remaining * 16 + v;
      return at + 1;
    }
    if (this.#digits === 0) return this.#fail('bad chunk size');
    if (c === CR) this.#state = State.ChunkSizeLf;
    else if (c === 0x3b || c === 0x20 || c === 0x09) this.#state = State.ChunkExt;
    else return this.#fail('bad chunk size');
    if (this.#keepBody && this.bodyBytes + this.#remaining > maxBodyBytes) {
      return this.#fail(`response body larger than ${maxBodyBytes} bytes`);
    }
    this.#lineBytes = this.#digits;
    return at + 1;
  }
}

const crlf = Buffer.from('\r\n');

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** The status code of "HTTP/1.x NNN reason", or 0 when the line is malformed. */
function statusOf(text: string): number {
  if (!text.startsWith('HTTP/1.')) return 0;
  const minor = text.charCodeAt(7);
  if (minor < 48 || minor > 57 || text.charCodeAt(8) !== 32) return 0;
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return 0;
    status = status * 10 + d;
  }
  const after = text.charCodeAt(12);
  if (!(Number.isNaN(after) || after === 32 || after === CR)) return 0;
  return status >= 100 ? status : 0;
}

/** What the headers say about how the body is delimited and whether the connection stays open. */
interface Framing {
  length: number;
  chunked: boolean;
  /** A transfer coding other than a final `chunked`: the body runs until close. */
  encoded: boolean;
  close: boolean;
  keepAlive: boolean;
}

/** Scans header lines for framing; only names of the right length are compared, so this stays cheap. */
function framingOf(headers: string): Framing | string {
  const f: Framing = { length: -1, chunked: false, encoded: false, close: false, keepAlive: false };
  let pos = 0;
  while (pos < headers.length) {
    let end = headers.indexOf('\r\n', pos);
    if (end === -1) end = headers.length;
    const colon = headers.indexOf(':', pos);
    if (colon <= pos || colon > end) return `bad header line: ${JSON.stringify(headers.slice(pos, end))}`;
    const first = headers.charCodeAt(pos);
    const last = headers.charCodeAt(colon - 1);
    if (first === 32 || first === 9 || last === 32 || last === 9) return 'whitespace in header name';
    const problem = colon - pos >= 10 && colon - pos <= 17 ? applyFraming(f, headers, pos, colon, end) : '';
    if (problem !== '') return problem;
    pos = end + 2;
  }
  return f;
}

function applyFraming(f: Framing, headers: string, pos: number, colon: number, end: number): string {
  const name = headers.slice(pos, colon).toLowerCase();
  if (name === 'content-length') {
    const value = headers.slice(colon + 1, end).trim();
    if (!/^\d{1,15}$/.test(value)) return `bad content-length: ${JSON.stringify(value)}`;
    const length = Number(value);
    if (f.length !== -1 && f.length !== length) return 'conflicting content-length headers';
    f.length = length;
  } else if (name === 'transfer-encoding') {
    const value = headers
      .slice(colon + 1, end)
      .trim()
      .toLowerCase();
    f.chunked = value === 'chunked' || value.endsWith(',chunked') || /,\s*chunked$/.test(value);
    f.encoded = !f.chunked;
  } else if (name === 'connection') {
    const value = headers.slice(colon + 1, end).toLowerCase();
    if (value.includes('close')) f.close = true;
    if (value.includes('keep-alive')) f.keepAlive = true;
  }
  return '';
}
