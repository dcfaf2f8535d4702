/**
 * Scans a response head (status line and headers, as one latin1 string) in one pass: it
 * validates the lines and pulls out what framing needs (status, Content-Length,
 * Transfer-Encoding, Connection) without making a string per header, since most load tests
 * never read them. String `indexOf` and `charCodeAt` are the fastest tools V8 has for this.
 */

const CR = 13;
const SP = 32;
const HT = 9;
const COMMA = 44;

/**
 * The whole head, byte by byte: a status line, then `token: value` lines whose values hold no
 * control character but tab, each ending in CRLF, then a blank line. Names with spaces or odd
 * bytes, folded lines, bare CRs and NULs are refused: a client that let them through could
 * read the framing differently from a proxy in front of the server. One regular expression
 * checks all of it faster than a loop over the characters would.
 */
const headGrammar =
  /^HTTP\/1\.[0-9] [0-9]{3}(?: [\t\x20-\x7e\x80-\xff]*)?\r\n(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*\r\n)*\r\n/;
const fieldLine = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/;

/** What a scan found; one instance is reused for every response. */
export class HeadInfo {
  status = 0;
  http10 = false;
  /** Where the header lines start and end in the scanned text (no status line, no final CRLF). */
  headersAt = 0;
  headersEnd = 0;
  /** Content-Length, or -1 when absent. */
  length = -1;
  chunked = false;
  /** A transfer coding other than a final `chunked`: the body runs until close. */
  encoded = false;
  close = false;
  keepAlive = false;
  /** Why the head is malformed; '' when it is fine. */
  error = '';

  copy(from: HeadInfo): void {
    this.status = from.status;
    this.http10 = from.http10;
    this.headersAt = from.headersAt;
    this.headersEnd = from.headersEnd;
    this.length = from.length;
    this.chunked = from.chunked;
    this.encoded = from.encoded;
    this.close = from.close;
    this.keepAlive = from.keepAlive;
    this.error = from.error;
  }

  reset(): void {
    this.status = 0;
    this.length = -1;
    this.chunked = false;
    this.encoded = false;
    this.close = false;
    this.keepAlive = false;
    this.error = '';
  }
}

/** The text holds no complete head yet. */
export const incomplete = -1;
/** The head is malformed; `HeadInfo.error` says why. */
export const malformed = -2;

/**
 * Scans the head at the start of `text`, which may run on into the body or stop short of the
 * head's end. Returns the offset just past the blank line ending the head, `incomplete` or
 * `malformed`. Lines are found with a one-character `indexOf`, the fastest search there is.
 */
export function scanHead(text: string, h: HeadInfo): number {
  h.reset();
  if (!text.startsWith('HTTP/1.'.slice(0, Math.min(7, text.length)))) return badStatus(text, text.length, h);
  let lf = text.indexOf('\n');
  if (lf === -1) return incomplete;
  if (text.charCodeAt(lf - 1) !== CR) return badEnding(h);
  if (!statusLine(text, lf - 1, h)) return malformed;
  h.headersAt = lf + 1;
  let pos = lf + 1;
  for (;;) {
    lf = text.indexOf('\n', pos);
    if (lf === -1) return incomplete;
    if (text.charCodeAt(lf - 1) !== CR) return badEnding(h);
    if (lf - 1 === pos) {
      h.headersEnd = pos === h.headersAt ? pos : pos - 2;
      return headGrammar.test(text) ? lf + 1 : refused(text, pos, h);
    }
    if (!headerLine(text, pos, lf - 1, h)) return malformed;
    pos = lf + 1;
  }
}

/** Names the first line the grammar refuses (a slow path: the response is malformed anyway). */
function refused(text: string, end: number, h: HeadInfo): number {
  const lines = text.slice(0, end).split('\r\n');
  const bad = lines.findIndex((line, i) => i > 0 && line !== '' && !fieldLine.test(line));
  if (bad === -1) return badStatus(text, text.indexOf('\r'), h);
  h.error = `bad header line: ${JSON.stringify(lines[bad].slice(0, 60))}`;
  return malformed;
}

function badEnding(h: HeadInfo): number {
  h.error = 'line not ending in CRLF';
  return malformed;
}

/** "HTTP/1.x NNN reason". */
function statusLine(head: string, end: number, h: HeadInfo): boolean {
  const minor = head.charCodeAt(7);
  let status = 0;
  for (let k = 9; k < 12; k++) {
    const d = head.charCodeAt(k) - 48;
    status = d >= 0 && d <= 9 ? status * 10 + d : -1000;
  }
  const ok =
    head.startsWith('HTTP/1.') &&
    minor >= 48 &&
    minor <= 57 &&
    head.charCodeAt(8) === SP &&
    status >= 100 &&
    (end === 12 || head.charCodeAt(12) === SP);
  if (!ok) badStatus(head, end, h);
  h.status = status;
  h.http10 = minor === 48;
  return ok;
}

function badStatus(text: string, end: number, h: HeadInfo): number {
  h.error = `bad status line: ${JSON.stringify(text.slice(0, Math.min(end, 40)))}`;
  return malformed;
}

/** "name: value"; framing headers are recognised by name length first, then by name. */
function headerLine(head: string, pos: number, end: number, h: HeadInfo): boolean {
  const colon = head.indexOf(':', pos);
  const first = head.charCodeAt(pos);
  const last = head.charCodeAt(colon - 1);
  if (colon <= pos || colon > end || first === SP || first === HT || last === SP || last === HT) {
    h.error = `bad header line: ${JSON.stringify(head.slice(pos, Math.min(end, pos + 60)))}`;
    return false;
  }
  const n = colon - pos;
  if (n === 14 && sameLower(head, pos, 'content-length')) return lengthValue(head, colon + 1, end, h);
  if (n === 17 && sameLower(head, pos, 'transfer-encoding')) transferCoding(head, colon + 1, end, h);
  else if (n === 10 && sameLower(head, pos, 'connection')) connectionTokens(head, colon + 1, end, h);
  return true;
}

function lengthValue(head: string, from: number, to: number, h: HeadInfo): boolean {
  const s = skipSpace(head, from, to);
  const e = trimEnd(head, s, to);
  let length = 0;
  for (let k = s; k < e; k++) {
    const d = head.charCodeAt(k) - 48;
    if (d < 0 || d > 9) length = -1;
    if (length >= 0) length = length * 10 + d;
  }
  if (e === s || e - s > 15 || length < 0) {
    h.error = `bad content-length: ${JSON.stringify(head.slice(s, e))}`;
    return false;
  }
  if (h.length !== -1 && h.length !== length) {
    h.error = 'conflicting content-length headers';
    return false;
  }
  h.length = length;
  return true;
}

/** Chunked only when `chunked` is the last coding; any other coding means the body runs until close. */
function transferCoding(head: string, from: number, to: number, h: HeadInfo): void {
  const s = skipSpace(head, from, to);
  const e = trimEnd(head, s, to);
  const at = e - 7;
  const before = at - 1 < s ? COMMA : head.charCodeAt(at - 1);
  h.chunked = at >= s && sameLower(head, at, 'chunked') && (before === COMMA || before === SP || before === HT);
  h.encoded = !h.chunked;
}

/** Finds `close` and `keep-alive` among the comma-separated tokens. */
function connectionTokens(head: string, from: number, to: number, h: HeadInfo): void {
  let s = from;
  while (s < to) {
    let e = head.indexOf(',', s);
    if (e === -1 || e > to) e = to;
    const ts = skipSpace(head, s, e);
    const te = trimEnd(head, ts, e);
    if (te - ts === 5 && sameLower(head, ts, 'close')) h.close = true;
    else if (te - ts === 10 && sameLower(head, ts, 'keep-alive')) h.keepAlive = true;
    s = e + 1;
  }
}

function skipSpace(head: string, from: number, to: number): number {
  let s = from;
  while (s < to && isSpace(head.charCodeAt(s))) s++;
  return s;
}

function trimEnd(head: string, from: number, to: number): number {
  let e = to;
  while (e > from && isSpace(head.charCodeAt(e - 1))) e--;
  return e;
}

function isSpace(c: number): boolean {
  return c === SP || c === HT;
}

/** Case-insensitive ASCII comparison of `head` at `at` with the lower-case `word`. */
function sameLower(head: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((head.charCodeAt(at + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}
