/**
 * Converts a JMeter plan into the equivalent simple (Taurus-style) definition where one exists:
 * each thread group becomes an execution item and a scenario; HTTP samplers become requests
 * (URL from the sampler or the HTTP Request Defaults in scope, method, parameters, raw body,
 * label = the sampler's name); Header Managers become scenario or request headers; Constant
 * Timers become think-time; simple, transaction and counted loop controllers are unrolled.
 * Everything else (extractors, assertions, CSV data, logic controllers, other timers…) is listed
 * as lost, each with its type, name and path in the tree. The plan is read with the JMeter
 * front-end's own parser and thread-group plan, so the converted test sends what the plan does.
 */
import type { Problem } from '@dlt/model';
import { CompileContext } from '../jmx/compile-context.ts';
import { kindOf } from '../jmx/element-kinds.ts';
import { type JmxElement, parseJmx } from '../jmx/jmx-tree.ts';
import { argumentList, argumentsOf, bool, items, nested, str } from '../jmx/props.ts';
import { threadGroupTypes } from '../jmx/thread-groups.ts';
import { defaultLimits } from '../simple/limits.ts';
import { executionOf, type Lost } from './jmx-load.ts';
import { rewriteText } from './jmx-text.ts';

export type { Lost } from './jmx-load.ts';

/** A converted plan: the definition, what was lost, and notes. */
export type JmxConversion =
  | {
      readonly ok: true;
      readonly definition: Record<string, unknown>;
      readonly lost: readonly Lost[];
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Config elements in a sampler's scope, outer first. */
interface Scope {
  readonly defaults: readonly JmxElement[];
  readonly headers: readonly JmxElement[];
  readonly timers: readonly JmxElement[];
}

/** A request as the simple format writes it, with its origin kept apart to hoist a default-address. */
interface Req {
  readonly origin: string;
  readonly path: string;
  readonly fields: Record<string, unknown>;
  readonly outerHeaders: Record<string, string>;
  readonly thinkMs: number;
}

/** How many times a Loop Controller may be unrolled. */
const maxUnroll = 100;

/** Converts a plan's text; `source` names it in problems. */
export function convertJmx(text: string, source: string): JmxConversion {
  const parsed = parseJmx(text, source);
  if (!parsed.ok) return parsed;
  const plan = parsed.plan;
  const cx = new CompileContext(source, (name) => ({ ok: false, message: `${name} is not read when converting` }), {});
  const lost = new Map<string, Lost>();
  const loseEl = (el: JmxElement, what: string) =>
    lost.set(`${el.path}\n${what}`, { type: el.type, name: el.name, path: el.path, what });
  const vars = planVariables(plan, loseEl);
  const rw = (el: JmxElement, s: string) =>
    rewriteText(s, vars, (ref) => loseEl(el, `uses ${ref}, which a simple test cannot compute (sent as written)`));
  const execution: Record<string, unknown>[] = [];
  const scenarios: Record<string, unknown> = {};
  const planLevel = plan.children.filter((c) => !(c.type in threadGroupTypes));
  const planScope = extend({ defaults: [], headers: [], timers: [] }, planLevel, loseEl, true);
  const lostList: Lost[] = [];
  for (const group of plan.children.filter((c) => c.type in threadGroupTypes)) {
    const item = executionOf(group, cx, defaultLimits.maxDurationMs, lostList);
    if (item === undefined) continue;
    const scope = extend(planScope, group.children, loseEl, false);
    const reqs: Req[] = [];
    walk(group.children, scope, reqs, { rw, loseEl });
    if (reqs.length === 0) {
      loseEl(group, 'sends no request that could be converted; the thread group is left out');
      continue;
    }
    const key = uniqueName(group.name || 'thread-group', scenarios);
    execution.push({ ...item, scenario: key });
    scenarios[key] = scenarioOf(reqs);
  }
  if (execution.length === 0) {
    return {
      ok: false,
      problems: [
        ...cx.problems,
        {
          file: source,
          message: 'nothing in the plan converts to a simple test (no thread group with HTTP requests)',
          hint: `run the plan itself: dlt run ${source}`,
        },
      ],
    };
  }
  // A thread group that cannot run (it loops forever without a duration…) is left behind, not fatal.
  const refused = cx.problems.map((p): Lost => ({ type: '', name: '', path: p.field ?? source, what: p.message }));
  return {
    ok: true,
    definition: { execution, scenarios },
    lost: [...refused, ...lostList, ...lost.values()],
    warnings: cx.warnings,
  };
}

/** The plan's user-defined variables (Test Plan and plan-level User Defined Variables), rewritten. */
function planVariables(plan: JmxElement, loseEl: (el: JmxElement, what: string) => void): Map<string, string> {
  const vars = new Map<string, string>();
  const add = (el: JmxElement, list: { name: string; value: string }[]) => {
    for (const a of list) {
      const value = rewriteText(a.value, vars, (ref) => loseEl(el, `variable ${a.name} uses ${ref} (sent as written)`));
      vars.set(a.name, value);
    }
  };
  add(plan, argumentsOf(plan, 'TestPlan.user_defined_variables'));
  for (const el of plan.children) if (el.type === 'Arguments') add(el, argumentList(el));
  return vars;
}

interface Walk {
  readonly rw: (el: JmxElement, s: string) => string;
  readonly loseEl: (el: JmxElement, what: string) => void;
}

/** The scope with the config elements among `siblings` added; the others that act on scope are reported. */
function extend(
  scope: Scope,
  siblings: readonly JmxElement[],
  loseEl: (el: JmxElement, what: string) => void,
  planLevel: boolean,
): Scope {
  const of = (k: string) => siblings.filter((s) => kindOf(s) === k);
  for (const el of siblings) {
    const kind = kindOf(el);
    switch (kind) {
      case 'timer':
        if (el.type !== 'ConstantTimer') loseEl(el, 'only Constant Timers become think-time');
        break;
      case 'cookies':
        loseEl(el, 'cookies are not carried over');
        break;
      case 'auth':
        loseEl(el, 'authorisation is not carried over (give an Authorization header instead)');
        break;
      case 'assertion':
        loseEl(el, 'assertions are not carried over');
        break;
      case 'extractor':
        loseEl(el, 'extracted variables are not carried over');
        break;
      case 'csv':
        loseEl(el, 'CSV data is not carried over');
        break;
      case 'counter':
      case 'random':
        loseEl(el, 'generated variables are not carried over');
        break;
      case 'pre':
        loseEl(el, 'scripts are not carried over');
        break;
      case 'variables':
        if (!planLevel) loseEl(el, 'variables below the plan are not carried over');
        break;
      default:
        break;
    }
  }
  return {
    defaults: [...scope.defaults, ...of('defaults')],
    headers: [...scope.headers, ...of('headers')],
    timers: [...scope.timers, ...of('timer').filter((t) => t.type === 'ConstantTimer')],
  };
}

/** Collects the requests under `children` in the order a thread sends them. */
function walk(children: readonly JmxElement[], scope: Scope, out: Req[], w: Walk): void {
  for (const el of children) {
    const kind = kindOf(el);
    if (kind === 'http') {
      out.push(requestOf(el, extend(scope, el.children, w.loseEl, false), scope, w));
      continue;
    }
    if (kind === 'controller') {
      controller(el, scope, out, w);
      continue;
    }
    if (kind === 'action' || kind === 'debug' || kind === 'script') w.loseEl(el, 'this sampler is not carried over');
    else if (kind === undefined) w.loseEl(el, 'this element is not supported by dlt, so it is not carried over');
  }
}

function controller(el: JmxElement, scope: Scope, out: Req[], w: Walk): void {
  const inner = () => walk(el.children, extend(scope, el.children, w.loseEl, false), out, w);
  switch (el.type) {
    case 'GenericController':
      inner();
      return;
    case 'TransactionController':
      w.loseEl(el, 'the transaction (its own label) is not carried over; its requests are');
      inner();
      return;
    case 'LoopController': {
      const loops = Number(str(el, 'LoopController.loops', '1'));
      if (Number.isInteger(loops) && loops >= 0 && loops <= maxUnroll) {
        for (let i = 0; i < loops; i++) inner();
        return;
      }
      w.loseEl(el, `a loop of "${str(el, 'LoopController.loops')}" cannot be unrolled; its requests are left out`);
      return;
    }
    default:
      w.loseEl(el, 'a simple test has no such controller; the requests under it are left out');
  }
}

/** The request of an HTTP sampler, with the config in its scope (`outer`: without its own children). */
function requestOf(el: JmxElement, scope: Scope, outer: Scope, w: Walk): Req {
  const field = (name: string): string => {
    for (const bag of [el, ...[...scope.defaults].reverse()]) {
      const v = str(bag, `HTTPSampler.${name}`).trim();
      if (v !== '') return w.rw(el, v);
    }
    return '';
  };
  const method = (str(el, 'HTTPSampler.method', 'GET').trim() || 'GET').toUpperCase();
  const path = field('path');
  const whole = /^https?:\/\//i.test(path);
  const origin = whole ? '' : originOf(field('protocol'), field('domain'), field('port'));
  if (!whole && field('domain') === '') w.loseEl(el, 'no server name (domain) in the sampler or its defaults');
  const fields: Record<string, unknown> = { label: el.name || `${method} ${path}`, method };
  const headers = headersOf(scope.headers.slice(outer.headers.length), el, w);
  const params = paramsOf(el, scope, w);
  let query = '';
  if (bool(el, 'HTTPSampler.postBodyRaw')) fields.body = params.map((p) => p.value).join('');
  else if (params.length > 0) {
    const encoded = params.map((p) => (p.name === '' && !p.equals ? p.value : `${p.name}=${p.value}`)).join('&');
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      fields.body = encoded;
      if (
        !Object.keys({ ...headersOf(outer.headers, el, w), ...headers }).some((k) => k.toLowerCase() === 'content-type')
      )
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else query = encoded;
  }
  if (
    items(nested(el, 'HTTPsampler.Files'), 'HTTPFileArgs.files').length > 0 ||
    bool(el, 'HTTPSampler.DO_MULTIPART_POST')
  )
    w.loseEl(el, 'file uploads and multipart bodies are not carried over');
  if (Object.keys(headers).length > 0) fields.headers = headers;
  const follow = bool(el, 'HTTPSampler.follow_redirects') || bool(el, 'HTTPSampler.auto_redirects');
  if (!follow) fields['follow-redirects'] = false;
  const timeoutMs =
    Number(str(el, 'HTTPSampler.connect_timeout') || 0) + Number(str(el, 'HTTPSampler.response_timeout') || 0);
  if (Number.isFinite(timeoutMs) && timeoutMs > 0) fields.timeout = `${timeoutMs}ms`;
  if (!bool(el, 'HTTPSampler.use_keepalive', true)) w.loseEl(el, 'keep-alive off is not carried over per request');
  const rest = whole ? path : path === '' ? '/' : path.startsWith('/') ? path : `/${path}`;
  const withQuery = query === '' ? rest : `${rest}${rest.includes('?') ? '&' : '?'}${query}`;
  const thinkMs = scope.timers.reduce((t, timer) => t + Number(str(timer, 'ConstantTimer.delay', '0') || 0), 0);
  return { origin, path: withQuery, fields, outerHeaders: headersOf(outer.headers, el, w), thinkMs };
}

/** Headers of `managers`, later ones winning (compared case-insensitively). */
function headersOf(managers: readonly JmxElement[], el: JmxElement, w: Walk): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of managers) {
    for (const p of items(m, 'HeaderManager.headers')) {
      const bag = { props: new Map(p.props.map((x) => [x.name, x])) };
      const name = str(bag, 'Header.name').trim();
      if (name === '') continue;
      for (const k of Object.keys(out)) if (k.toLowerCase() === name.toLowerCase()) delete out[k];
      out[name] = w.rw(el, str(bag, 'Header.value'));
    }
  }
  return out;
}

function paramsOf(el: JmxElement, scope: Scope, w: Walk) {
  const own = argumentsOf(el, 'HTTPsampler.Arguments');
  const names = new Set(own.map((a) => a.name));
  const inherited = scope.defaults
    .flatMap((d) => argumentsOf(d, 'HTTPsampler.Arguments'))
    .filter((a) => !names.has(a.name));
  return [...own, ...inherited].map((a) => {
    const [name, value] = [w.rw(el, a.name), w.rw(el, a.value)];
    const encode = bool(a.item, 'HTTPArgument.always_encode');
    const enc = (s: string) => (s.includes('${') ? s : encodeURIComponent(s).replace(/%20/g, '+'));
    return {
      name: encode ? enc(name) : name,
      value: encode ? enc(value) : value,
      equals: bool(a.item, 'HTTPArgument.use_equals', true),
    };
  });
}

/** A scenario: one default-address when every request shares an origin, shared headers and think-time hoisted. */
function scenarioOf(reqs: readonly Req[]): Record<string, unknown> {
  const origins = new Set(reqs.map((r) => r.origin));
  const [origin] = origins;
  const shared = origins.size === 1 && origin !== '';
  const headers = reqs[0].outerHeaders;
  const sameHeaders = reqs.every((r) => JSON.stringify(r.outerHeaders) === JSON.stringify(headers));
  const sameThink = reqs.every((r) => r.thinkMs === reqs[0].thinkMs);
  const scenario: Record<string, unknown> = {};
  if (shared) scenario['default-address'] = origin;
  if (sameHeaders && Object.keys(headers).length > 0) scenario.headers = headers;
  if (sameThink && reqs[0].thinkMs > 0) scenario['think-time'] = `${reqs[0].thinkMs}ms`;
  scenario.requests = reqs.map((r) => {
    const out: Record<string, unknown> = { url: shared ? r.path : `${r.origin}${r.path}`, ...r.fields };
    if (!sameHeaders && Object.keys(r.outerHeaders).length > 0)
      out.headers = { ...r.outerHeaders, ...((r.fields.headers as Record<string, string>) ?? {}) };
    if (!sameThink && r.thinkMs > 0) out['think-time'] = `${r.thinkMs}ms`;
    return out;
  });
  return scenario;
}

function uniqueName(base: string, taken: Record<string, unknown>): string {
  if (!(base in taken)) return base;
  let i = 2;
  while (`${base}-${i}` in taken) i++;
  return `${base}-${i}`;
}

/** `scheme://host[:port]` as JMeter builds it; a host written with a variable is never taken for IPv6. */
function originOf(protocol: string, domain: string, port: string): string {
  const scheme = (protocol || 'http').toLowerCase();
  const host = domain.includes(':') && !domain.includes('${') && !domain.startsWith('[') ? `[${domain}]` : domain;
  const defaultPort = scheme === 'https' ? '443' : '80';
  return `${scheme}://${host}${port === '' || port === defaultPort ? '' : `:${port}`}`;
}
