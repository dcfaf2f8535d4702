/**
 * The lines our Locust plugin writes (see `dlt_locust_plugin.py`), checked as any external
 * input is, and turned into samples. Locust gives a request's start (epoch seconds) and total
 * time only, so the whole time is counted as waiting (time to first byte = the end).
 */
import { type ErrorKind, type Sample, zeroTimings } from '@dlt/model';

/** One line of the plugin, parsed. */
export type LocustLine =
  | { readonly t: 'init' }
  | { readonly t: 'start' }
  | { readonly t: 'u'; readonly u: number }
  /** `n` more times, a task raised `e` (class: message) at `w` (file:line in function). */
  | { readonly t: 'ue'; readonly e: string; readonly w: string; readonly n: number }
  | {
      readonly t: 'r';
      /** Name (Locust's label), method, status (0 without a response). */
      readonly n: string;
      readonly m: string;
      readonly s: number;
      /** Response time in ms, start in epoch seconds, response length in bytes. */
      readonly rt: number;
      readonly st: number;
      readonly l: number;
      /** The exception's class and message, when the request failed. */
      readonly ek?: string;
      readonly e?: string;
    };

const finite = (x: unknown, min = 0): x is number => typeof x === 'number' && Number.isFinite(x) && x >= min;
const text = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;

/** Parses one line; anything malformed is dropped (undefined). */
export function parseLocustLine(line: string): LocustLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  switch (o.t) {
    case 'init':
    case 'start':
      return { t: o.t };
    case 'u':
      return finite(o.u) ? { t: 'u', u: Math.floor(o.u) } : undefined;
    case 'ue':
      return text(o.e, 1000) && text(o.w, 1000) && finite(o.n, 1)
        ? { t: 'ue', e: o.e, w: o.w, n: Math.floor(o.n) }
        : undefined;
    case 'r':
      if (!text(o.n, 2048) || !text(o.m, 64) || !finite(o.s) || !finite(o.rt) || !finite(o.st) || !finite(o.l))
        return undefined;
      return {
        t: 'r',
        n: o.n,
        m: o.m,
        s: Math.floor(o.s),
        rt: o.rt,
        st: o.st,
        l: Math.floor(o.l),
        ...(text(o.ek, 200) ? { ek: o.ek } : {}),
        ...(text(o.e, 1000) ? { e: o.e } : {}),
      };
    default:
      return undefined;
  }
}

/** A request line as a sample of `scenario`. */
export function toSample(r: Extract<LocustLine, { t: 'r' }>, scenario: string): Sample {
  const startedAt = r.st * 1000;
  const endedAt = startedAt + r.rt;
  const failed = r.ek !== undefined;
  const error = failed ? errorKind(r) : null;
  return {
    label: r.n,
    scenario,
    method: r.m.toUpperCase(),
    status: r.s,
    error,
    ...(failed ? { errorMessage: `${r.ek}: ${r.e ?? ''}` } : {}),
    // Locust's verdict is the script's: a 404 it marked `success()` passed.
    expected: !failed,
    intendedAt: startedAt,
    startedAt,
    firstByteAt: endedAt,
    endedAt,
    timings: { ...zeroTimings, wait: r.rt },
    bytesSent: 0,
    bytesReceived: r.l,
  };
}

/**
 * What kind of failure: a response with a failing status is counted by its status alone; a
 * response Locust's script refused (`response.failure()`) is an assertion; no response is
 * classified by the exception's words.
 */
function errorKind(r: Extract<LocustLine, { t: 'r' }>): ErrorKind | null {
  if (r.s >= 400) return null;
  if (r.s > 0) return 'assertion';
  const said = `${r.ek} ${r.e ?? ''}`;
  if (/refused/i.test(said)) return 'connect-refused';
  if (/timed? ?out|timeout/i.test(said)) return 'timeout';
  if (/reset|RemoteDisconnected|aborted|BrokenPipe/i.test(said)) return 'reset';
  if (/resolve|Name or service|gaierror|getaddrinfo|NameResolution/i.test(said)) return 'dns';
  if (/SSL|certificate|TLS/i.test(said)) return 'tls';
  return 'other';
}
