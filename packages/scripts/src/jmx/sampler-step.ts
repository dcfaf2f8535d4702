/**
 * One sampler as it runs, in JMeter's order: timers (their delays add up), the request, then
 * post-processors and assertions on the response before its sample is recorded (so a failed
 * assertion fails the sample), then the thread group's action on a failed sample.
 */
import type { HttpRequest, HttpResponse, PreparedRequest, VuContext } from '@dlt/model';
import { isFailure } from '@dlt/model';
import type { Check } from './assertions.ts';
import type { Extract } from './extractors.ts';
import type { Script } from './groovy-lite.ts';
import type { Built, HttpSampler } from './http-sampler.ts';
import type { SentRequest } from './response-fields.ts';
import type { Thread } from './scope.ts';
import type { SampleErrorAction } from './thread-groups.ts';
import type { Timer } from './timers.ts';

/** How a step ends: go on, start the thread's next iteration, or stop the thread. */
export type Flow = 'go' | 'restart' | 'stop';

/** A compiled part of the plan, run for a thread. */
export type Step = (t: Thread) => Promise<Flow>;

/** What applies to one sampler from its scope, outer first. */
export interface SamplerScope {
  readonly timers: readonly Timer[];
  readonly extractors: readonly Extract[];
  readonly checks: readonly Check[];
  readonly needsBody: boolean;
  readonly pre: readonly Script[];
  /** "Ignore status" of a Response Assertion in scope: a response passes whatever its status. */
  readonly ignoreStatus: boolean;
  readonly onError: SampleErrorAction;
  /** When the thread group's schedule ends (no sampler starts after it). */
  readonly endsAt: (t: Thread) => number;
}

/** The flow after a failed sample, by the thread group's setting. */
export function failedFlow(t: Thread, action: SampleErrorAction): Flow {
  switch (action) {
    case 'continue':
      return 'go';
    case 'startnextloop':
      return 'restart';
    case 'stoptest':
    case 'stoptestnow':
      t.test.stopped = true;
      t.stopped = true;
      return 'stop';
    case 'stopthread':
      t.stopped = true;
      return 'stop';
  }
}

/** Waits for the timers in scope; false when the thread must not go on. */
export async function beforeSampler(t: Thread, ctx: VuContext, scope: SamplerScope): Promise<boolean> {
  if (t.stopped || t.test.stopped || ctx.signal.aborted || performance.now() >= scope.endsAt(t)) return false;
  // Pre-processors run before the timers, as in JMeter.
  for (const pre of scope.pre) pre({ t });
  let delay = 0;
  for (const timer of scope.timers) delay += timer(t);
  if (delay > 0) await ctx.sleep(delay);
  // A timer may end the test (a throughput schedule that is over).
  return !t.test.stopped && !ctx.signal.aborted && performance.now() < scope.endsAt(t);
}

/** The step of an HTTP sampler. */
export function httpStep(sampler: HttpSampler, scope: SamplerScope, isStatic: boolean): Step {
  const responseBody: HttpRequest['responseBody'] = scope.needsBody ? 'text' : 'discard';
  const preparedKey = {};
  return async (t) => {
    const ctx = t.ctx as VuContext;
    if (!(await beforeSampler(t, ctx, scope))) return 'stop';
    let built = sampler.build(t, responseBody);
    let send: PreparedRequest | HttpRequest = built.request;
    if (isStatic) {
      send = (t.own.get(preparedKey) as PreparedRequest | undefined) ?? ctx.prepare(built.request);
      t.own.set(preparedKey, send);
    }
    let failure: string | null = null;
    const started = performance.now();
    // A redirect that will be followed here only keeps its cookies; any other response (the
    // first one included, when the server does not redirect) is extracted from and asserted.
    const follows = (r: HttpResponse, hop: number) => hop < sampler.manualRedirects && isRedirect(r);
    // "Ignore status": a response that came passes whatever its status (assertions may still fail it).
    const expected = scope.ignoreStatus ? (r: HttpResponse) => (r.status > 0 ? true : undefined) : undefined;
    let res = await ctx.send(send, {
      verify: (r) => (follows(r, 0) ? storeCookies(t, built, r) : verify(r)),
      ...(expected ? { expected } : {}),
    });
    // With a cookie manager, redirects are followed here, each hop a sample under the sampler's
    // label, so the cookies every hop sets are kept (the engine would only show the last hop's).
    for (let hop = 0; hop < sampler.manualRedirects && isRedirect(res) && !ctx.signal.aborted; hop++) {
      const next = redirected(built, res, t, responseBody);
      if (next === undefined) break;
      built = next;
      res = await ctx.send(built.request, {
        verify: (r) => (follows(r, hop + 1) ? storeCookies(t, built, r) : verify(r)),
        ...(expected ? { expected } : {}),
      });
    }
    if (ctx.signal.aborted && res.error === 'aborted') return 'stop';
    const statusOk = scope.ignoreStatus ? res.error === null && res.status > 0 : !isFailure(res);
    const ok = failure === null && statusOk;
    t.lastOk = ok;
    t.vars.set('JMeterThread.last_sample_ok', String(ok));
    tally(t, res, performance.now() - started, ok, failure);
    return ok ? 'go' : failedFlow(t, scope.onError);

    function verify(r: HttpResponse): string | null {
      storeCookies(t, built, r);
      const sent: SentRequest = built.sent;
      for (const x of scope.extractors) x(r, sent, t);
      for (const c of scope.checks) {
        failure = c(r, sent, t);
        if (failure !== null) return failure;
      }
      return null;
    }
  };
}

function storeCookies(t: Thread, built: { url: URL | null }, r: HttpResponse): null {
  if (t.cookies !== undefined && built.url !== null) t.cookies.store(built.url, r.headers['set-cookie']);
  return null;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const isRedirect = (r: HttpResponse) => redirectStatuses.has(r.status) && r.headers.location !== undefined;

/** The request a redirect asks for (303 and 301/302 become GET without a body, as browsers do). */
function redirected(
  built: Built,
  res: HttpResponse,
  t: Thread,
  responseBody: HttpRequest['responseBody'],
): Built | undefined {
  const url = URL.parse(res.headers.location ?? '', built.request.url);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  const keep = res.status === 307 || res.status === 308;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(built.request.headers ?? {})) {
    const lower = k.toLowerCase();
    if (lower === 'cookie' || (!keep && (lower === 'content-type' || lower === 'content-length'))) continue;
    headers[k] = v;
  }
  const cookie = t.cookies?.header(url);
  if (cookie !== undefined) headers.Cookie = cookie;
  const request: HttpRequest = {
    ...built.request,
    url: url.href,
    method: keep ? built.request.method : built.request.method === 'HEAD' ? 'HEAD' : 'GET',
    body: keep ? built.request.body : undefined,
    headers,
    responseBody,
  };
  return { request, sent: { ...built.sent, headers }, url };
}

/** Adds a finished sample to every open transaction of the thread. */
function tally(t: Thread, res: HttpResponse, elapsedMs: number, ok: boolean, failure: string | null): void {
  for (const tx of t.transactions) {
    tx.samples++;
    tx.elapsedMs += elapsedMs;
    tx.latencyMs += elapsedMs - res.timings.receive;
    tx.bytesSent += res.bytesSent;
    tx.bytesReceived += res.bytesReceived;
    if (!ok && tx.failed === undefined) {
      tx.failed = {
        status: res.status,
        error: res.error ?? 'assertion',
        message: failure ?? res.errorMessage ?? `status ${res.status}`,
      };
    }
  }
}
