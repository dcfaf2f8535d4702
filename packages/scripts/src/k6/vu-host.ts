/**
 * The host side of one VU's k6 runtime: the only functions the sandbox can call into Node.
 * Each takes and returns plain values (strings, numbers, byte arrays), and the runtime copies
 * what they return, so the script never holds an object of Node's realm.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { HttpResponse, ScriptMetric, VuContext } from '@dlt/model';
import { tryParseDuration } from '@dlt/model';
import type { FileReader } from './files.ts';
import { HtmlDocs } from './html-docs.ts';
import type { MetricRegistry } from './metric-registry.ts';

/** The functions the runtime calls (see runtime/vu-runtime.js and runtime/http-runtime.js). */
export interface VuHost {
  readonly [name: string]: (...args: never[]) => unknown;
}

/** What a VU's host needs from its test. */
export interface HostDeps {
  readonly env: Readonly<Record<string, string>>;
  readonly optionsJson: string;
  readonly files: FileReader;
  readonly metrics: MetricRegistry;
  readonly factory: (path: string) => unknown;
  /** Writes one line to the run's log (stderr). */
  readonly log: (line: string) => void;
  /** Longest a script may compute without waiting before it is stopped. */
  readonly budgetMs: number;
  /** Makes an error of the sandbox's realm: what a host function throws must be one of those. */
  readonly realmError: (message: string) => Error;
}

/** What changes during a VU's life: its phase, iteration, and the context it sends through. */
export interface HostState {
  phase: 'init' | 'vu';
  iteration: number;
  ctx: VuContext | undefined;
  readonly vuId: number;
  readonly scenario: string;
}

const decoder = new TextDecoder();

function bytesOf(x: unknown): Buffer {
  return typeof x === 'string' ? Buffer.from(x, 'utf8') : Buffer.from(new Uint8Array(x as ArrayLike<number>));
}

function b64(bytes: Buffer, variant: string): string {
  const std = bytes.toString('base64');
  switch (variant) {
    case 'std':
      return std;
    case 'rawstd':
      return std.replace(/=+$/, '');
    case 'url':
      return std.replace(/\+/g, '-').replace(/\//g, '_');
    case 'rawurl':
      return std.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    default:
      throw new Error(`base64 variant "${variant}" is not std, rawstd, url or rawurl`);
  }
}

const digestEncodings: Readonly<Record<string, (b: Buffer) => string | Uint8Array>> = {
  hex: (b) => b.toString('hex'),
  base64: (b) => b.toString('base64'),
  base64url: (b) => b64(b, 'url'),
  base64rawurl: (b) => b64(b, 'rawurl'),
  binary: (b) => new Uint8Array(b),
};

/** Send options for `http.expectedStatuses` ranges given as JSON (`[[200, 299], [404, 404]]`); none when ''. */
function expectedStatuses(json: string): { expected?: (r: HttpResponse) => boolean | undefined } {
  if (json === '') return {};
  const ranges = (JSON.parse(json) as unknown[]).map((r) => (r as unknown[]).map(Number));
  // A request that got no answer fails whatever was expected.
  return { expected: (r) => r.status > 0 && ranges.some(([lo, hi]) => r.status >= lo && r.status <= hi) };
}

/** Builds the host of one VU. */
export function makeHost(deps: HostDeps, state: HostState): VuHost {
  const ctx = (what: string): VuContext => {
    if (state.phase === 'init' || state.ctx === undefined) {
      throw new Error(`${what} is not supported in the init context (code outside functions)`);
    }
    return state.ctx;
  };
  const record = (point: ScriptMetric) => state.ctx?.metric?.(point);
  const html = new HtmlDocs();
  const idList = (json: string) => (JSON.parse(String(json)) as unknown[]).map((n) => Number(n));
  return guarded(deps.realmError, {
    htmlParse: (text: string) => html.parse(String(text)),
    htmlFind: (doc: number, ids: string, selector: string) => html.find(Number(doc), idList(ids), String(selector)),
    htmlRead: (doc: number, ids: string, what: string, arg: string) =>
      html.read(Number(doc), idList(ids), String(what), String(arg ?? '')),
    now: () => performance.now(),
    aborted: () => state.ctx?.signal.aborted ?? false,
    budgetMs: () => deps.budgetMs,
    vuId: () => state.vuId,
    iteration: () => state.iteration,
    scenario: () => state.scenario,
    envJson: () => JSON.stringify(deps.env),
    optionsJson: () => deps.optionsJson,
    factory: (path: string) => deps.factory(path),
    log: (level: string, text: string) => deps.log(`${level === 'info' ? '' : `${level}: `}VU ${state.vuId}: ${text}`),
    durationMs: (text: string) => {
      const d = tryParseDuration(text);
      return d.ok ? d.ms : -1;
    },
    decodeText: (bytes: Uint8Array) => decoder.decode(bytesOf(bytes)),
    parseUrl: (text: string) => {
      const u = URL.parse(String(text));
      if (u === null) return '';
      return JSON.stringify({ href: u.href, protocol: u.protocol, hostname: u.hostname, pathname: u.pathname });
    },
    send: (
      method: string,
      url: string,
      payload: unknown,
      headers: Record<string, unknown>,
      label: string,
      timeoutMs: number,
      responseType: string,
      redirects: number,
      expected: string,
    ): Promise<HttpResponse> =>
      ctx('making requests').send(
        {
          label: String(label),
          method: String(method),
          url: String(url),
          headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [String(k), String(v)])),
          ...(payload === null
            ? {}
            : { body: typeof payload === 'string' ? payload : new Uint8Array(bytesOf(payload)) }),
          ...(timeoutMs >= 0 ? { timeoutMs } : {}),
          responseBody: responseType === 'none' ? 'discard' : responseType === 'binary' ? 'binary' : 'text',
          maxRedirects: Math.max(0, Number(redirects) | 0),
        },
        expectedStatuses(String(expected ?? '')),
      ),
    sleep: (ms: number) => ctx('sleep()').sleep(ms),
    check: (name: string, ok: boolean) => record({ kind: 'check', name: String(name), ok: Boolean(ok) }),
    declareMetric: (name: string, type: string, isTime: boolean) => deps.metrics.declare(String(name), type, isTime),
    metric: (name: string, type: string, value: number) => {
      const kind = deps.metrics.typeOf(String(name));
      if (kind === undefined || kind !== type) throw new Error(`metric ${name} was not declared as a ${type}`);
      record({ kind, name: String(name), value: Number(value) });
    },
    open: (path: string, binary: boolean, from: string) => deps.files.read(String(path), String(from), Boolean(binary)),
    digest: (alg: string, input: unknown, encoding: string, key: unknown) => {
      const a = String(alg).toLowerCase();
      const h = key === undefined ? createHash(a) : createHmac(a, bytesOf(key));
      return digestEncodings[String(encoding)](h.update(bytesOf(input)).digest());
    },
    randomBytes: (n: number) => new Uint8Array(randomBytes(Math.max(0, Math.min(Number(n) | 0, 1 << 20)))),
    b64encode: (input: unknown, variant: string) => b64(bytesOf(input), String(variant)),
    b64decode: (input: string, variant: string) => {
      if (!['std', 'rawstd', 'url', 'rawurl'].includes(String(variant)))
        throw new Error(`base64 variant "${variant}" is not std, rawstd, url or rawurl`);
      return new Uint8Array(Buffer.from(String(input), String(variant).endsWith('url') ? 'base64url' : 'base64'));
    },
    abortTest: (message: string) =>
      deps.log(`VU ${state.vuId}: test.abort(): ${message} (dlt stops only this iteration)`),
  });
}

/**
 * Wraps each host function so that what it throws, or what its promise rejects with, is an
 * error of the sandbox's realm: an error of Node's realm would hand the script Node's
 * `Function` through its `constructor`.
 */
function guarded(realmError: (message: string) => Error, fns: Record<string, (...args: never[]) => unknown>): VuHost {
  const out: Record<string, (...args: never[]) => unknown> = {};
  const convert = (e: unknown) => realmError(e instanceof Error ? e.message : String(e));
  for (const [name, fn] of Object.entries(fns)) {
    out[name] = (...args: never[]) => {
      try {
        const r = fn(...args);
        return r instanceof Promise
          ? r.then(undefined, (e: unknown) => {
              throw convert(e);
            })
          : r;
      } catch (e) {
        throw convert(e);
      }
    };
  }
  return Object.freeze(out);
}
