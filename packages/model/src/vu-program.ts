/**
 * The interface between script front-ends (`scripts`) and the engine: a VU program is what one
 * virtual user runs each iteration. It lives here so that neither side imports the other.
 */
import type { ErrorKind, Sample, Timings } from './sample.ts';
import type { ScriptMetric } from './script-metric.ts';

/** A request as a script describes it. */
export interface HttpRequest {
  /** The name the request is reported under (Taurus `label`, k6 `name` tag). */
  readonly label: string;
  readonly method: string;
  /** Absolute http: or https: URL. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Whole-request timeout in ms (connect included). */
  readonly timeoutMs?: number;
  /** What to keep of the response body: nothing (fastest), text, or bytes. Default `discard`. */
  readonly responseBody?: 'discard' | 'text' | 'binary';
  /** Follow up to this many redirects (0 = none, the default). */
  readonly maxRedirects?: number;
  /** Keep the connection open between requests (default true). */
  readonly keepAlive?: boolean;
  /** Skip TLS certificate verification. */
  readonly insecure?: boolean;
  /**
   * Speak HTTP/2: over TLS agreed by ALPN for https:, by prior knowledge (h2c) for http:.
   * Requests to one origin then share one connection per client, multiplexed. Default false.
   */
  readonly http2?: boolean;
}

/** A request prepared once (URL parsed, head serialised) and sent many times. Opaque to scripts. */
export interface PreparedRequest {
  readonly request: HttpRequest;
}

export interface HttpResponse {
  /** 0 when no response arrived (then `error` is set). */
  readonly status: number;
  /** Header names lowercased; repeated headers joined with ", " (set-cookie with "\n"). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as asked by `responseBody`; null when discarded or absent. */
  readonly body: string | Uint8Array | null;
  readonly error: ErrorKind | null;
  readonly errorMessage?: string;
  readonly timings: Timings;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** The URL that answered (after redirects). */
  readonly url: string;
}

/** How to send one request. */
export interface SendOptions {
  /**
   * Runs on the response before its sample is recorded (JMeter's post-processors and
   * assertions): a returned message fails the sample with error `assertion`, null passes it.
   * A sample that already failed keeps its own error.
   */
  readonly verify?: (response: HttpResponse) => string | null;
  /**
   * The script's verdict on the response's status (k6's expected statuses, JMeter's "ignore
   * status"): true passes a 404 it expected, false fails a 200 it did not, undefined lets the
   * status decide. Kept on the sample as `expected`.
   */
  readonly expected?: (response: HttpResponse) => boolean | undefined;
}

/** What a VU program may use. Everything it does goes through here, so it can be measured and stopped. */
export interface VuContext {
  /** 1-based VU number, unique within the test run on this process. */
  readonly vu: number;
  /** The execution this iteration belongs to. */
  readonly scenario: string;
  /** 0-based iteration number of this VU within its execution. */
  readonly iteration: number;
  /** Aborted when the VU must stop (end of test, ramp-down, hard stop). */
  readonly signal: AbortSignal;
  /** Variables of this VU that live across iterations (extracted values, CSV rows…). */
  readonly vars: Map<string, unknown>;
  /**
   * Checks and serialises a request once, to send it many times. The result is plain data: any
   * VU of the same process (thread) may send it, so a program can prepare once for all its VUs.
   * Call the context's methods on it (`ctx.send(…)`), not detached.
   */
  prepare(request: HttpRequest): PreparedRequest;
  /** Sends a request and records its sample; resolves even when the request fails. */
  send(request: PreparedRequest | HttpRequest, options?: SendOptions): Promise<HttpResponse>;
  /**
   * Records a sample that no single request made (a JMeter transaction's total), its instants
   * on this process's `performance.now()` clock.
   */
  record(sample: Omit<Sample, 'scenario'>): void;
  /** Sleeps, resolving early when the VU is stopped. */
  sleep(ms: number): Promise<void>;
  /** Records a check outcome or a custom metric's value (k6 scripts); optional for contexts that keep none. */
  metric?(point: ScriptMetric): void;
}

/** One VU program per scenario of the test. */
export interface VuProgram {
  /** Called once per VU before its first iteration (prepare requests, open data). */
  init?(ctx: VuContext): void | Promise<void>;
  /** One iteration. Throwing ends the iteration as failed; it does not stop the VU. */
  iteration(ctx: VuContext): Promise<void>;
}
