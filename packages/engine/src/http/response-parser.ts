/**
 * An incremental HTTP/1.1 response parser over Buffers: it keeps only what framing needs
 * (status, length, chunking, keep-alive), leaves the header block as one string for lazy
 * parsing, and accepts input split at any byte.
 */

import { HeadBuffer, latin1, tooLarge } from './head-buffer.ts';
import { RepeatedHead } from './repeated-head.ts';
import { HeadInfo, malformed, scanHead } from './response-head.ts';

/** A response head (status line and headers) larger than this is a protocol error. */
export const maxHeadBytes = 64 * 1024;
/** A kept (text/binary) body larger than this is a protocol error; discarded bodies have no cap. */
export const maxBodyBytes = 32 * 1024 * 1024;
/** How much of a chunk is first tried as the head; longer heads are gathered, then scanned. */
const headWindow = 1024;
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
  /** A head or trailer block that came in pieces. */
  #pieces = new HeadBuffer(maxHeadBytes);
  /** The last head, byte for byte: servers often send the same one again. */
  #repeat = new RepeatedHead(headWindow);

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
    this.#pieces.clear();
  }

  get done(): boolean {
    return this.#state === State.Done;
  }

  get failed(): boolean {
    return this.#state === State.Failed;
  }

  /** Whether any byte of the response arrived. */
  get started(): boolean {
    return this.bytes > 0 || this.#pieces.length > 0;
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

  /** Where the input of the current `execute` ends (the buffer may be longer). */
  #end = 0;
  #info = new HeadInfo();

  /**
   * Parses a head straight from `buf` when it is all there (the usual case), else gathers it
   * first. A short window is turned into a string, since most heads are shorter than that.
   */
  #head(buf: Buffer, at: number): number {
    if (this.#pieces.length === 0) {
      const repeated = this.#repeat.match(buf, at, this.#end);
      if (repeated !== null) return this.#onHead(repeated, at + this.#repeat.length, this.#repeat.info);
      const window = latin1(buf, at, Math.min(this.#end, at + headWindow));
      const next = scanHead(window, this.#info);
      if (next >= 0) {
        if (this.#info.status >= 200) this.#repeat.remember(buf, at, next, window, this.#info);
        return this.#onHead(window, at + next);
      }
      if (next === malformed) return this.#fail(this.#info.error);
    }
    const length = this.#gather(buf, at);
    if (length < 0) return this.#end;
    const head = this.#pieces.latin1(0, length);
    if (scanHead(head, this.#info) !== length) return this.#fail(this.#info.error || 'bad response head');
    return this.#onHead(head, this.#pieces.consumed);
  }

  /** Trailers follow the last chunk; the usual case is none, just the final CRLF. */
  #trailers(buf: Buffer, at: number): number {
    const pieces = this.#pieces;
    if (pieces.length === 0 && at + 1 < this.#end && buf[at] === CR && buf[at + 1] === LF) {
      this.#state = State.Done;
      return at + 2;
    }
    if (pieces.length === 0) pieces.append(crlf, 0, 2); // so that no trailers also end in a blank line
    const length = this.#gather(buf, at);
    if (length < 0) return this.#end;
    const trailers = pieces.latin1(2, Math.max(2, length - 4));
    if (scanHead(`HTTP/1.1 200 OK\r\n${trailers}\r\n\r\n`, this.#info) < 0) return this.#fail('bad trailer line');
    if (trailers !== '') this.headText += this.headText === '' ? trailers : `\r\n${trailers}`;
    this.#state = State.Done;
    return pieces.consumed;
  }

  /** Gathers a head or trailer block that came in pieces; fails the response when it is too large. */
  #gather(buf: Buffer, at: number): number {
    const length = this.#pieces.gather(buf, at, this.#end);
    if (length === tooLarge) this.#fail(`response head larger than ${maxHeadBytes} bytes`);
    return length;
  }

  /** Acts on a scanned head in `text`; returns `next` (where the body starts) for the caller. */
  #onHead(text: string, next: number, h = this.#info): number {
    if (h.status < 200 && h.status !== 101) return next; // interim (100 Continue, 103 Early Hints): the real head follows
    this.status = h.status;
    this.headText = text.slice(h.headersAt, h.headersEnd);
    this.keepAlive = h.close ? false : h.http10 ? h.keepAlive : true;
    this.#frame(h);
    return next;
  }

  #frame(h: HeadInfo): void {
    const status = h.status;
    if (this.#noBody || status === 204 || status === 304 || status === 101) {
      if (status === 101) this.keepAlive = false;
      this.#state = State.Done;
    } else if (h.chunked) {
      // Chunked wins over a Content-Length sent as well, but such a response may be an attempt
      // at request smuggling, so the connection is not trusted with another request.
      if (h.length >= 0) this.keepAlive = false;
      this.#state = State.ChunkSize;
      this.#remaining = 0;
      this.#digits = 0;
      this.#lineBytes = 0;
    } else if (h.encoded || h.length < 0) {
      this.keepAlive = false;
      this.#state = State.UntilClose;
    } else if (this.#keepBody && h.length > maxBodyBytes) {
      this.#fail(`response body larger than ${maxBodyBytes} bytes`);
    } else {
      this.#remaining = h.length;
      this.#state = h.length === 0 ? State.Done : State.Length;
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
