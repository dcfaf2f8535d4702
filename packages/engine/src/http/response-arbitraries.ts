/**
 * fast-check generators of HTTP/1.1 responses for the parser's property test: each valid
 * response comes with what parsing it must yield, each broken one with the outcome it must
 * have (a protocol error, or waiting for more bytes).
 */
import fc from 'fast-check';

/** A serialised response and what the parser must make of it. */
export interface Generated {
  readonly raw: Buffer;
  /** Whether the request was HEAD (no body whatever the head says). */
  readonly headRequest: boolean;
  readonly status: number;
  /** Header lines and trailers folded as `parseHeaders` folds them. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly keepAlive: boolean;
  /** The body runs until the connection closes. */
  readonly untilClose: boolean;
  /** Where the body of the final response starts in `raw`. */
  readonly bodyAt: number;
}

type Field = readonly [name: string, value: string];
type Framing = 'length' | 'chunked' | 'close' | 'none';

const tokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const framingNames = new Set(['content-length', 'transfer-encoding', 'connection', '__proto__']);
/** Visible ASCII and obs-text: what a field value may hold besides inner spaces and tabs. */
const valueChars = [...Array(0x7e - 0x20).keys()]
  .map((k) => String.fromCharCode(0x21 + k))
  .concat([...Array(0x80).keys()].map((k) => String.fromCharCode(0x80 + k)));

const token = fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 1, maxLength: 16 });
/** Names mostly from a small pool, in any case, so repeated headers are common. */
const name = fc
  .oneof(fc.constantFrom('X-A', 'x-a', 'Vary', 'VARY', 'Set-Cookie', 'set-cookie', 'Cache-Control', 'Date'), token)
  .filter((n) => !framingNames.has(n.toLowerCase()));
const ows = fc.constantFrom('', ' ', '\t', '  ', ' \t');
const inner = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...valueChars) },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t') },
);
/** A field value without the optional whitespace around it. */
const value = fc.string({ unit: inner, maxLength: 40 }).map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ''));
const field = fc.tuple(name, value);
/** A field line with optional whitespace around the value, and the field it stands for. */
const fieldLine = fc
  .tuple(field, ows, ows)
  .map(([f, before, after]) => ({ line: `${f[0]}:${before}${f[1]}${after}`, field: f }));
const reason = fc.string({ unit: fc.constantFrom(...valueChars, ' ', '\t'), maxLength: 20 });

/** Folds fields as the client does: lower-case names, repeats joined by ", " (set-cookie by "\n"). */
export function fold(fields: readonly Field[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, v] of fields) {
    const lower = n.toLowerCase();
    const prior = Object.hasOwn(out, lower) ? out[lower] : undefined;
    out[lower] = prior === undefined ? v : `${prior}${lower === 'set-cookie' ? '\n' : ', '}${v}`;
  }
  return out;
}

/** A chunk-size line's extensions: `;name`, `;name=token` or `;name="quoted"`, with optional spaces. */
const extensions = fc
  .array(
    fc.tuple(
      fc.constantFrom('', ' ', '\t'),
      token,
      fc.option(
        fc.oneof(
          token,
          value.map((v) => `"${v.replace(/["\\]/g, '')}"`),
        ),
      ),
    ),
    { maxLength: 2 },
  )
  .map((exts) => exts.map(([space, n, v]) => `${space};${n}${v === null ? '' : `=${v}`}`).join(''));

/** A hex size in any case, maybe with leading zeros. */
function hexSize(size: number, upper: boolean, zeros: number): string {
  const hex = size.toString(16);
  return '0'.repeat(zeros) + (upper ? hex.toUpperCase() : hex);
}

const chunkSpec = fc.record({ cut: fc.nat(), upper: fc.boolean(), zeros: fc.nat({ max: 2 }), ext: extensions });

/** The body as chunks (sizes from random cuts), the last chunk and trailers. */
const chunked = fc
  .record({
    chunks: fc.array(chunkSpec, { maxLength: 5 }),
    last: chunkSpec,
    trailers: fc.array(fieldLine, { maxLength: 3 }),
  })
  .map(({ chunks, last, trailers }) => (body: Buffer) => {
    const cuts = [...new Set(chunks.map((c) => (body.length === 0 ? 0 : c.cut % body.length)))]
      .filter((c) => c > 0)
      .sort((a, b) => a - b);
    const edges = [0, ...cuts, body.length].filter((e, i, all) => i === 0 || e > all[i - 1]);
    const parts: Buffer[] = [];
    for (let i = 1; i < edges.length; i++) {
      const spec = chunks[i - 1] ?? last;
      const size = edges[i] - edges[i - 1];
      parts.push(Buffer.from(`${hexSize(size, spec.upper, spec.zeros)}${spec.ext}\r\n`, 'latin1'));
      parts.push(body.subarray(edges[i - 1], edges[i]), Buffer.from('\r\n'));
    }
    const end = `${hexSize(0, false, last.zeros)}${last.ext}\r\n${trailers.map((t) => `${t.line}\r\n`).join('')}\r\n`;
    parts.push(Buffer.from(end, 'latin1'));
    return { bytes: Buffer.concat(parts), trailers: trailers.map((t) => t.field) };
  });

const interim = fc.record({ status: fc.constantFrom(100, 102, 103), fields: fc.array(fieldLine, { maxLength: 2 }) });

/** A valid response: any framing, version, Connection tokens and interim responses before it. */
export const validResponse: fc.Arbitrary<Generated> = fc
  .record({
    framing: fc.constantFrom<Framing>('length', 'chunked', 'close', 'none'),
    http10: fc.boolean(),
    /** Any status with a body; 204 and 304 come through `noBody`. */
    status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
    reason: fc.option(reason),
    fields: fc.array(fieldLine, { maxLength: 6 }),
    connection: fc.constantFrom('', 'close', 'keep-alive', 'Keep-Alive, Upgrade', 'upgrade, CLOSE'),
    body: fc.uint8Array({ maxLength: 300 }),
    chunked,
    coding: fc.constantFrom('chunked', 'Chunked', 'gzip, chunked'),
    /** How a bodiless response says so: status 204 or 304, or being the answer to HEAD. */
    noBody: fc.constantFrom<204 | 304 | 'HEAD'>(204, 304, 'HEAD'),
    extraLength: fc.option(fc.nat({ max: 9999 })),
    interims: fc.array(interim, { maxLength: 2 }),
  })
  .map((r) => {
    const headRequest = r.framing === 'none' && r.noBody === 'HEAD';
    const status = r.framing === 'none' && r.noBody !== 'HEAD' ? r.noBody : r.status;
    let body = r.framing === 'none' ? Buffer.alloc(0) : Buffer.from(r.body);
    const lines = r.fields.map((f) => f.line);
    const fields: Field[] = r.fields.map((f) => f.field);
    const add = (n: string, v: string) => {
      lines.push(`${n}: ${v}`);
      fields.push([n, v]);
    };
    if (r.connection !== '') add('Connection', r.connection);
    let payload = body;
    let trailers: Field[] = [];
    let smuggling = false;
    if (r.framing === 'length' || (r.framing === 'none' && r.extraLength !== null)) {
      add('Content-Length', String(r.framing === 'length' ? body.length : r.extraLength));
    } else if (r.framing === 'chunked') {
      add('Transfer-Encoding', r.coding);
      if (r.extraLength !== null) add('Content-Length', String(r.extraLength));
      smuggling = r.extraLength !== null;
      const c = r.chunked(body);
      payload = c.bytes;
      trailers = c.trailers;
    } else if (r.framing === 'close' && r.extraLength !== null) add('Transfer-Encoding', 'gzip');
    if (r.framing === 'none') body = Buffer.alloc(0);
    const version = r.http10 ? 'HTTP/1.0' : 'HTTP/1.1';
    const pre = r.interims.map(
      (i) => `HTTP/1.1 ${i.status} Info\r\n${i.fields.map((f) => `${f.line}\r\n`).join('')}\r\n`,
    );
    const statusLine = `${version} ${status}${r.reason === null ? '' : ` ${r.reason}`}`;
    const head = `${pre.join('')}${statusLine}\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`;
    const tokens = r.connection
      .toLowerCase()
      .split(',')
      .map((t) => t.trim());
    const keepAlive =
      r.framing !== 'close' && !smuggling && !tokens.includes('close') && (!r.http10 || tokens.includes('keep-alive'));
    return {
      raw: Buffer.concat([Buffer.from(head, 'latin1'), payload]),
      headRequest,
      status,
      headers: fold([...fields, ...trailers]),
      body,
      keepAlive,
      untilClose: r.framing === 'close',
      bodyAt: Buffer.byteLength(head, 'latin1'),
    };
  });

/** How a broken input must end: with a protocol error, or still waiting for bytes. */
export type Outcome = 'protocol-error' | 'need-more' | 'anything';

export interface Broken {
  readonly name: string;
  readonly raw: Buffer;
  readonly headRequest: boolean;
  readonly outcome: Outcome;
  /** For `need-more`: whether the peer closing now would complete the response. */
  readonly closeCompletes?: boolean;
}
