/**
 * Converts a simple k6 script into the equivalent simple definition: `options` (read by the k6
 * front-end's own reader, so the load is the one `dlt run script.js` runs) become execution
 * items in the k6 form and thresholds as written; each function a scenario runs becomes a
 * scenario whose requests are its `k6/http` calls with URLs, bodies, headers, `tags.name`,
 * `timeout` and `redirects` known before the run, `sleep(n)` becoming think-time, group bodies
 * inlined. Anything the simple format cannot say (checks, logic, values computed at run time,
 * setup/teardown, other modules) is listed as lost with its line.
 */

import { formatDuration, type Problem, tryParseDuration } from '@dlt/model';
import type {
  AnyNode,
  CallExpression,
  FunctionDeclaration,
  ImportDeclaration,
  ModuleDeclaration,
  Node,
  Program,
  Statement,
} from 'acorn';
import { parse } from 'acorn';
import { readOptions } from '../k6/k6-options.ts';
import { k6Fields, timingFields, type UnnamedExecutor } from './execution-item.ts';
import type { Lost } from './jmx-load.ts';
import { type Known, knownValue } from './k6-values.ts';

/** A converted script: the definition and what was lost, or why nothing converts. */
export type K6Conversion =
  | { readonly ok: true; readonly definition: Record<string, unknown>; readonly lost: readonly Lost[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Metrics a simple test measures too; thresholds on others (checks, custom metrics) are lost. */
const builtInMetrics =
  /^(http_req_\w+|http_reqs|iteration_duration|iterations|dropped_iterations|data_received|data_sent|vus|vus_max)(\{|$)/;

/** The k6/http calls: where the URL, body and params are among the arguments. */
const httpCalls: Readonly<Record<string, { method?: string; url: number; body?: number; params: number }>> = {
  get: { method: 'GET', url: 0, params: 1 },
  head: { method: 'HEAD', url: 0, params: 1 },
  post: { method: 'POST', url: 0, body: 1, params: 2 },
  put: { method: 'PUT', url: 0, body: 1, params: 2 },
  patch: { method: 'PATCH', url: 0, body: 1, params: 2 },
  del: { method: 'DELETE', url: 0, body: 1, params: 2 },
  options: { method: 'OPTIONS', url: 0, body: 1, params: 2 },
  request: { url: 1, body: 2, params: 3 },
};

/** The methods of the simple format. */
const simpleMethods: readonly string[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'];

interface Ctx {
  readonly file: string;
  readonly text: string;
  readonly consts: Map<string, Known>;
  readonly lost: Lost[];
  /** Local names of the k6/http module and of `sleep` and `group` from k6. */
  readonly http: Set<string>;
  readonly sleep: Set<string>;
  readonly group: Set<string>;
}

/** Converts a script's text; `file` names it in messages. */
export function convertK6(text: string, file: string): K6Conversion {
  let program: Program;
  try {
    program = parse(text, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  } catch (e) {
    return { ok: false, problems: [{ file, message: `not a JavaScript module: ${(e as Error).message}` }] };
  }
  const cx: Ctx = { file, text, consts: new Map(), lost: [], http: new Set(), sleep: new Set(), group: new Set() };
  const functions = new Map<string, FunctionDeclaration['body']>();
  let optionsNode: Node | undefined;
  for (const st of program.body) topLevel(st, cx, functions, (n) => (optionsNode = n));
  const optionsValue = optionsNode === undefined ? undefined : knownValue(optionsNode, cx.consts);
  if (optionsNode !== undefined && optionsValue === undefined)
    lose(cx, optionsNode, 'the options are computed at run time; k6 defaults are written');
  const opts = readOptions(optionsValue ?? undefined, file, {});
  // Thresholds the options reader refused are left out of the YAML, which would not load with them.
  const refused = new Set<string>();
  for (const p of opts.problems) {
    const metric = /^options\.thresholds\["(.+?)"\]/.exec(p.field ?? '')?.[1];
    if (metric !== undefined) refused.add(metric);
    // A threshold on a custom metric is listed once, by thresholdsOf, saying why it is left out.
    if (metric !== undefined && !builtInMetrics.test(metric)) continue;
    const what = metric !== undefined ? `the threshold on ${metric} is not carried over: ${p.message}` : p.message;
    cx.lost.push({ type: 'option', name: p.field ?? '', path: file, what });
  }
  const execution: Record<string, unknown>[] = [];
  const scenarios: Record<string, unknown> = {};
  opts.specs.forEach((spec, i) => {
    const run = opts.scenarios[i];
    const body = functions.get(run.exec);
    if (body === undefined) {
      cx.lost.push({
        type: 'scenario',
        name: run.name,
        path: file,
        what: `scenario ${run.name} runs ${run.exec}, which is not a function of the script`,
      });
      return;
    }
    if (Object.keys(run.env).length > 0)
      cx.lost.push({
        type: 'scenario',
        name: run.name,
        path: file,
        what: `scenario ${run.name}: its env is not carried over`,
      });
    if (!(run.exec in scenarios)) {
      const requests = withThinkTime(statements(body.body, cx));
      if (requests.length === 0) {
        cx.lost.push({
          type: 'function',
          name: run.exec,
          path: file,
          what: `${run.exec} sends no request that converts`,
        });
        return;
      }
      scenarios[run.exec] = { requests };
    }
    const { name: _, program: __, ...unnamed } = spec;
    execution.push({
      name: run.name,
      ...k6Fields(unnamed as UnnamedExecutor),
      ...timingFields(spec),
      scenario: run.exec,
    });
  });
  if (execution.length === 0) {
    return {
      ok: false,
      problems: [
        {
          file,
          message: 'nothing in the script converts to a simple test (no function of a scenario sends a known request)',
          hint: `run the script itself: dlt run ${file}`,
        },
      ],
    };
  }
  const thresholds = thresholdsOf(optionsValue, cx, refused);
  return { ok: true, definition: { execution, scenarios, ...(thresholds ? { thresholds } : {}) }, lost: cx.lost };
}

function topLevel(
  st: Statement | ModuleDeclaration,
  cx: Ctx,
  functions: Map<string, FunctionDeclaration['body']>,
  onOptions: (n: Node) => void,
): void {
  if (st.type === 'ImportDeclaration') {
    importOf(st, cx);
    return;
  }
  if (st.type === 'ExportDefaultDeclaration') {
    const d = st.declaration;
    if (d.type === 'FunctionDeclaration' || d.type === 'FunctionExpression' || d.type === 'ArrowFunctionExpression') {
      if (d.body.type === 'BlockStatement') functions.set('default', d.body);
      else lose(cx, st, 'an expression-bodied default function is not carried over');
    } else lose(cx, st, 'the default export is not a function');
    return;
  }
  const decl = st.type === 'ExportNamedDeclaration' ? st.declaration : st;
  if (decl?.type === 'FunctionDeclaration') {
    const name = decl.id.name;
    if (name === 'setup' || name === 'teardown') lose(cx, decl, `${name} is not carried over`);
    else functions.set(name, decl.body);
    return;
  }
  if (decl?.type === 'VariableDeclaration' && decl.kind === 'const') {
    for (const d of decl.declarations) {
      if (d.id.type !== 'Identifier') {
        lose(cx, d, 'this declaration is not carried over');
        continue;
      }
      if (st.type === 'ExportNamedDeclaration' && d.id.name === 'options' && d.init) {
        onOptions(d.init);
        continue;
      }
      const v = knownValue(d.init, cx.consts);
      if (v === undefined) lose(cx, d, `${d.id.name} is computed at run time; requests that use it are left out`);
      else cx.consts.set(d.id.name, v);
    }
    return;
  }
  lose(cx, st, 'init code is not carried over');
}

function importOf(st: ImportDeclaration, cx: Ctx): void {
  const from = String(st.source.value);
  for (const s of st.specifiers) {
    const local = s.local.name;
    if (from === 'k6/http' && s.type !== 'ImportSpecifier') cx.http.add(local);
    else if (from === 'k6' && s.type === 'ImportSpecifier' && s.imported.type === 'Identifier') {
      if (s.imported.name === 'sleep') cx.sleep.add(local);
      else if (s.imported.name === 'group') cx.group.add(local);
      else if (s.imported.name !== 'check') lose(cx, s, `${s.imported.name} from k6 is not carried over`);
    } else lose(cx, s, `${local} from ${from} is not carried over`);
  }
}

/** A request, or a pause after the one before it. */
type Step = { readonly request: Record<string, unknown> } | { readonly sleepMs: number };

function statements(list: readonly Statement[], cx: Ctx): Step[] {
  const out: Step[] = [];
  for (const st of list) {
    const call: AnyNode | null | undefined =
      st.type === 'ExpressionStatement'
        ? st.expression
        : st.type === 'VariableDeclaration' && st.declarations.length === 1
          ? st.declarations[0].init
          : undefined;
    if (call?.type !== 'CallExpression') {
      lose(cx, st, 'this statement is not carried over');
      continue;
    }
    out.push(...callSteps(call, st, cx));
  }
  return out;
}

function callSteps(call: CallExpression, st: Statement, cx: Ctx): Step[] {
  const c = call.callee;
  if (c.type === 'Identifier' && cx.sleep.has(c.name)) {
    const s = knownValue(call.arguments[0], cx.consts);
    if (typeof s === 'number' && s >= 0) return [{ sleepMs: s * 1000 }];
    lose(cx, st, 'a sleep computed at run time is not carried over');
    return [];
  }
  if (c.type === 'Identifier' && cx.group.has(c.name)) {
    const fn = call.arguments[1];
    if (
      (fn?.type === 'FunctionExpression' || fn?.type === 'ArrowFunctionExpression') &&
      fn.body.type === 'BlockStatement'
    ) {
      lose(cx, st, 'the group (its tag) is not carried over; its requests are');
      return statements(fn.body.body, cx);
    }
  }
  if (c.type === 'Identifier' && c.name === 'check') {
    lose(cx, st, 'checks are not carried over');
    return [];
  }
  const isHttp = c.type === 'MemberExpression' && c.object.type === 'Identifier' && cx.http.has(c.object.name);
  const verb = isHttp && c.property.type === 'Identifier' ? c.property.name : undefined;
  const shape = verb === undefined ? undefined : httpCalls[verb];
  if (shape === undefined) {
    lose(cx, st, 'this call is not carried over');
    return [];
  }
  const request = requestOf(call.arguments as Node[], shape, st, cx);
  return request === undefined ? [] : [{ request }];
}

function requestOf(args: readonly Node[], shape: (typeof httpCalls)[string], st: Statement, cx: Ctx) {
  const method = shape.method ?? knownValue(args[0], cx.consts);
  const url = knownValue(args[shape.url], cx.consts);
  if (typeof method !== 'string' || typeof url !== 'string') {
    lose(cx, st, 'its method or URL is computed at run time; the request is left out');
    return undefined;
  }
  if (!simpleMethods.includes(method.toUpperCase())) {
    lose(cx, st, `the method ${method} is not one a simple test sends; the request is left out`);
    return undefined;
  }
  const out: Record<string, unknown> = { url, method: method.toUpperCase(), label: url };
  const headers: Record<string, Known> = {};
  if (shape.body !== undefined && args[shape.body] !== undefined) {
    const body = knownValue(args[shape.body], cx.consts);
    if (typeof body === 'string') out.body = body;
    else if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      out.body = body;
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (body !== null) {
      lose(cx, st, 'its body is computed at run time; the request is left out');
      return undefined;
    }
  }
  const params = args[shape.params] === undefined ? {} : knownValue(args[shape.params], cx.consts);
  if (params === undefined || params === null || typeof params !== 'object' || Array.isArray(params)) {
    lose(cx, st, 'its params are computed at run time; the request is left out');
    return undefined;
  }
  for (const [k, v] of Object.entries(params)) {
    const map = isMap(v) ? v : undefined;
    if (k === 'headers' && map) Object.assign(headers, map);
    else if (k === 'tags' && typeof map?.name === 'string') {
      out.label = map.name;
      if (Object.keys(map).length > 1) lose(cx, st, 'tags other than name are not carried over');
    } else if (k === 'timeout' && (typeof v === 'string' || typeof v === 'number')) {
      const ms = typeof v === 'number' ? { ok: true as const, ms: v } : tryParseDuration(v);
      if (ms.ok) out.timeout = formatDuration(ms.ms);
    } else if (k === 'redirects' && v === 0) out['follow-redirects'] = false;
    else lose(cx, st, `params.${k} is not carried over`);
  }
  if (Object.keys(headers).length > 0) out.headers = headers;
  return out;
}

/** Requests with the pauses after them as think-time (a leading pause goes after the last request: iterations loop). */
function withThinkTime(steps: readonly Step[]): Record<string, unknown>[] {
  const requests: Record<string, unknown>[] = [];
  const pauses: number[] = [];
  let leading = 0;
  for (const s of steps) {
    if ('request' in s) {
      requests.push({ ...s.request });
      pauses.push(0);
    } else if (requests.length === 0) leading += s.sleepMs;
    else pauses[pauses.length - 1] += s.sleepMs;
  }
  if (pauses.length > 0) pauses[pauses.length - 1] += leading;
  pauses.forEach((ms, i) => {
    if (ms > 0) requests[i]['think-time'] = formatDuration(ms);
  });
  return requests;
}

function thresholdsOf(
  options: Known | undefined,
  cx: Ctx,
  refused: ReadonlySet<string>,
): Record<string, Known> | undefined {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return undefined;
  const t = (options as Record<string, Known>).thresholds;
  if (t === null || typeof t !== 'object' || Array.isArray(t)) return undefined;
  const out: Record<string, Known> = {};
  for (const [metric, v] of Object.entries(t)) {
    if (builtInMetrics.test(metric)) {
      if (!refused.has(metric)) out[metric] = v;
    } else
      cx.lost.push({
        type: 'threshold',
        name: metric,
        path: cx.file,
        what: `the threshold on ${metric} is not carried over (a simple test has no checks or custom metrics)`,
      });
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function lose(cx: Ctx, node: Node, what: string): void {
  const line = node.loc?.start.line ?? 0;
  const snippet = cx.text.slice(node.start, node.end).split('\n')[0].trim().slice(0, 60);
  cx.lost.push({ type: node.type, name: snippet, path: `${cx.file}:${line}`, what: `\`${snippet}\`: ${what}` });
}

function isMap(v: Known | undefined): v is { readonly [k: string]: Known } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
