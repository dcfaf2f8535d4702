/**
 * JMeter's extractors (post-processors) compiled into functions that read a response and set
 * thread variables: Regular Expression, Boundary, JSON and CSS Selector extractors, with
 * JMeter's match numbers (n-th, 0 = random, -1 = all as `name_1…name_N` and `name_matchNr`)
 * and defaults.
 */
import type { HttpResponse } from '@dlt/model';
import { selectAll } from 'css-select';
import type { AnyNode, Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { CompileContext } from './compile-context.ts';
import { scriptOf } from './groovy-lite.ts';
import type { JmxElement } from './jmx-tree.ts';
import { compileJsonPath, type JsonPath } from './json-path.ts';
import { bool, str } from './props.ts';
import { javaRegex, regexProblem } from './regex.ts';
import { bodyText, fieldText, type ResponseField, type SentRequest } from './response-fields.ts';
import type { Thread } from './scope.ts';
import { xpathToCss } from './xpath.ts';

export type Extract = (res: HttpResponse, sent: SentRequest, t: Thread) => void;

export interface CompiledExtractor {
  readonly run: Extract;
  readonly needsBody: boolean;
}

export const extractorTypes = [
  'RegexExtractor',
  'BoundaryExtractor',
  'JSONPostProcessor',
  'HtmlExtractor',
  'XPathExtractor',
  'XPath2Extractor',
  'JSR223PostProcessor',
  'BeanShellPostProcessor',
] as const;

const useHeaders: Readonly<Record<string, ResponseField>> = {
  false: 'body',
  true: 'headers',
  request_headers: 'requestHeaders',
  unescaped: 'body',
  as_document: 'body',
  URL: 'url',
  code: 'code',
  message: 'message',
};

/** Compiles an extractor element (one of `extractorTypes`). */
export function compileExtractor(el: JmxElement, cx: CompileContext): CompiledExtractor {
  switch (el.type) {
    case 'RegexExtractor':
      return regexExtractor(el, cx);
    case 'BoundaryExtractor':
      return boundaryExtractor(el, cx);
    case 'JSONPostProcessor':
      return jsonExtractor(el, cx);
    case 'XPathExtractor':
    case 'XPath2Extractor':
      return xpathExtractor(el, cx);
    case 'JSR223PostProcessor':
    case 'BeanShellPostProcessor': {
      const script = scriptOf(el, (m, h) => cx.complain(el, m, h));
      const needsBody = /getResponseData/.test(el.props.get('script')?.value ?? '');
      return { run: (res, _sent, t) => script?.({ t, res }), needsBody };
    }
    default:
      return cssExtractor(el, cx);
  }
}

/** One found value: the text stored, and its groups (regex only). */
interface Found {
  readonly value: string;
  readonly groups?: readonly string[];
}

/** Stores the matches as JMeter does for `matchNumber`, or the default when none fits. */
function store(
  t: Thread,
  name: string,
  found: readonly Found[],
  matchNumber: number,
  fallback: string | undefined,
): void {
  const setGroups = (prefix: string, f: Found | undefined) => {
    if (f?.groups === undefined) return;
    t.vars.set(`${prefix}_g`, String(f.groups.length - 1));
    f.groups.forEach((g, i) => {
      t.vars.set(`${prefix}_g${i}`, g ?? '');
    });
  };
  if (matchNumber < 0) {
    const old = Number(t.vars.get(`${name}_matchNr`) ?? 0);
    for (let i = found.length + 1; i <= old; i++) t.vars.delete(`${name}_${i}`);
    t.vars.set(`${name}_matchNr`, String(found.length));
    found.forEach((f, i) => {
      t.vars.set(`${name}_${i + 1}`, f.value);
      setGroups(`${name}_${i + 1}`, f);
    });
    if (fallback !== undefined) t.vars.set(name, fallback);
    return;
  }
  const pick = matchNumber === 0 ? found[Math.floor(Math.random() * found.length)] : found[matchNumber - 1];
  if (pick !== undefined) {
    t.vars.set(name, pick.value);
    setGroups(name, pick);
  } else if (fallback !== undefined) t.vars.set(name, fallback);
}

/** JMeter sets a blank default only when "use empty default value" is on. */
function defaultOf(el: JmxElement, prefix: string, cx: CompileContext): (t: Thread) => string | undefined {
  const text = str(el, `${prefix}.default`);
  const emptyOk = bool(el, `${prefix}.default_empty_value`);
  const tpl = cx.template(el, text);
  return (t) => {
    const v = tpl(t);
    return v !== '' || emptyOk ? v : undefined;
  };
}

function regexExtractor(el: JmxElement, cx: CompileContext): CompiledExtractor {
  const field = useHeaders[str(el, 'RegexExtractor.useHeaders', 'false')] ?? 'body';
  const name = str(el, 'RegexExtractor.refname');
  const regex = cx.prop(el, 'RegexExtractor.regex');
  const problem = regexProblem(str(el, 'RegexExtractor.regex'));
  if (problem !== undefined) cx.complain(el, problem);
  const template = str(el, 'RegexExtractor.template', '$1$') || '$1$';
  const matchNumber = cx.number(el, 'RegexExtractor.match_number', 1);
  const fallback = defaultOf(el, 'RegexExtractor', cx);
  const run: Extract = (res, sent, t) => {
    const re = javaRegex(regex(t));
    const text = fieldText(field, res, sent);
    const found: Found[] = [];
    if (re !== undefined) {
      const g = new RegExp(re.source, `${re.flags}g`);
      for (const m of text.matchAll(g)) {
        const groups = [...m].map((x) => x ?? '');
        found.push({ value: template.replace(/\$(\d+)\$/g, (_, i: string) => groups[Number(i)] ?? ''), groups });
        if (found.length >= 100_000 || (matchNumber > 0 && found.length >= matchNumber)) break;
      }
    }
    store(t, name, found, matchNumber, fallback(t));
  };
  return { run, needsBody: field === 'body' };
}

function boundaryExtractor(el: JmxElement, cx: CompileContext): CompiledExtractor {
  const field = useHeaders[str(el, 'BoundaryExtractor.useHeaders', 'false')] ?? 'body';
  const name = str(el, 'BoundaryExtractor.refname');
  const left = cx.prop(el, 'BoundaryExtractor.lboundary');
  const right = cx.prop(el, 'BoundaryExtractor.rboundary');
  const matchNumber = cx.number(el, 'BoundaryExtractor.match_number', 1);
  const fallback = defaultOf(el, 'BoundaryExtractor', cx);
  const run: Extract = (res, sent, t) => {
    const text = fieldText(field, res, sent);
    const [l, r] = [left(t), right(t)];
    const found: Found[] = [];
    for (let at = 0; at <= text.length && found.length < 100_000; ) {
      const start = l === '' ? at : text.indexOf(l, at);
      if (start < 0) break;
      const from = start + l.length;
      const end = r === '' ? text.length : text.indexOf(r, from);
      if (end < 0) break;
      found.push({ value: text.slice(from, end) });
      if (matchNumber > 0 && found.length >= matchNumber) break;
      at = Math.max(end + r.length, from + 1);
    }
    store(t, name, found, matchNumber, fallback(t));
  };
  return { run, needsBody: field === 'body' };
}

function jsonExtractor(el: JmxElement, cx: CompileContext): CompiledExtractor {
  const names = str(el, 'JSONPostProcessor.referenceNames').split(';');
  const exprs = str(el, 'JSONPostProcessor.jsonPathExprs').split(';');
  const numbers = str(el, 'JSONPostProcessor.match_numbers').split(';');
  const defaults = str(el, 'JSONPostProcessor.defaultValues').split(';');
  const concat = bool(el, 'JSONPostProcessor.compute_concat');
  if (names.length !== exprs.length) cx.complain(el, `${names.length} variable names but ${exprs.length} JSON paths`);
  const each = names.map((name, i) => {
    let path: JsonPath = () => [];
    try {
      path = compileJsonPath(cx.template(el, exprs[i] ?? '')(cx.planThread));
    } catch (e) {
      cx.complain(el, `JSON path "${exprs[i]}": ${(e as Error).message}`);
    }
    const n = (numbers[i] ?? numbers[0] ?? '').trim();
    return {
      name: name.trim(),
      path,
      matchNumber: n === '' ? 0 : Number(n),
      fallback: cx.template(el, defaults[i] ?? defaults[0] ?? ''),
    };
  });
  const run: Extract = (res, _sent, t) => {
    let doc: unknown;
    let parsed = true;
    try {
      doc = JSON.parse(bodyText(res));
    } catch {
      parsed = false;
    }
    for (const e of each) {
      const found = parsed ? e.path(doc).map((v) => ({ value: typeof v === 'string' ? v : JSON.stringify(v) })) : [];
      store(t, e.name, found, e.matchNumber, found.length === 0 || e.matchNumber < 0 ? e.fallback(t) : undefined);
      if (concat && e.matchNumber < 0) t.vars.set(`${e.name}_ALL`, found.map((f) => f.value).join(','));
    }
  };
  return { run, needsBody: true };
}

function cssExtractor(el: JmxElement, cx: CompileContext): CompiledExtractor {
  const name = str(el, 'HtmlExtractor.refname');
  const expr = cx.prop(el, 'HtmlExtractor.expr');
  const attribute = cx.prop(el, 'HtmlExtractor.attribute');
  const matchNumber = cx.number(el, 'HtmlExtractor.match_number', 1);
  const fallback = defaultOf(el, 'HtmlExtractor', cx);
  const run: Extract = (res, _sent, t) => {
    let found: Found[] = [];
    try {
      const doc = parseDocument(bodyText(res));
      const attr = attribute(t).trim();
      found = selectAll<AnyNode, Element>(expr(t), doc).map((node) => ({
        value: attr === '' ? DomUtils.textContent(node).trim() : (DomUtils.getAttributeValue(node, attr) ?? ''),
      }));
    } catch {
      found = [];
    }
    store(t, name, found, matchNumber, fallback(t));
  };
  return { run, needsBody: true };
}

/**
 * XPath Extractor (and XPath2): the path translated to CSS once (see xpath.ts), run on the body
 * parsed as XML when it is XML, else as HTML (JMeter's "use Tidy"). With match number -1 the
 * variable also holds the first value, as JMeter sets it.
 */
function xpathExtractor(el: JmxElement, cx: CompileContext): CompiledExtractor {
  const prefix = el.type === 'XPath2Extractor' ? 'XPathExtractor2' : 'XPathExtractor';
  const name = str(el, `${prefix}.refname`);
  const query = str(el, `${prefix}.xpathQuery`);
  const matchNumber = cx.number(el, `${prefix}.matchNumber`, -1);
  const fragment = bool(el, `${prefix}.fragment`);
  const fallback = defaultOf(el, prefix, cx);
  const translated = xpathToCss(query);
  if (!translated.ok) cx.complain(el, `the XPath ${translated.message}`, 'dlt runs the XPath location paths plans use');
  const path = translated.ok ? translated.path : undefined;
  const run: Extract = (res, _sent, t) => {
    let found: Found[] = [];
    if (path !== undefined) {
      try {
        const body = bodyText(res);
        const xml = /^\s*<\?xml/.test(body) || /xml/i.test(res.headers['content-type'] ?? '');
        const doc = parseDocument(body, { xmlMode: xml });
        found = selectAll<AnyNode, Element>(path.selector, doc, { xmlMode: xml }).map((node) => ({
          value:
            path.take.kind === 'attribute'
              ? (DomUtils.getAttributeValue(node, path.take.name) ?? '')
              : fragment
                ? DomUtils.getOuterHTML(node, { xmlMode: xml })
                : DomUtils.textContent(node),
        }));
      } catch {
        found = [];
      }
    }
    store(t, name, found, matchNumber, fallback(t));
    if (matchNumber < 0 && found[0] !== undefined) t.vars.set(name, found[0].value);
  };
  return { run, needsBody: true };
}
