/**
 * The XPath that JMeter plans put in XPath extractors, translated to a CSS selector (run with
 * css-select, as the CSS Selector Extractor is) plus what to take from each node: its text, an
 * attribute, or the node itself. Location paths of element steps with `/` and `//`, `*`,
 * predicates `[n]`, `[last()]`, `[@a]`, `[@a='v']`, `[contains(@a,'v')]`,
 * `[starts-with(@a,'v')]` (joined by `and`), ending in `/@attr` or `/text()`. Anything else is
 * an error naming the part that is not supported.
 */

/** What a path selects, as CSS, and what is taken from each match. */
export interface CssPath {
  readonly selector: string;
  readonly take: { readonly kind: 'text' } | { readonly kind: 'attribute'; readonly name: string };
}

export type XPathResult =
  | { readonly ok: true; readonly path: CssPath }
  | { readonly ok: false; readonly message: string };

const name = '[A-Za-z_][\\w.-]*(?::[A-Za-z_][\\w.-]*)?';
const quoted = `'([^']*)'|"([^"]*)"`;
const stepPattern = new RegExp(String.raw`^(${name}|\*)((?:\[[^\]]*\])*)$`);

/** Translates `xpath`, or says what in it is not supported. */
export function xpathToCss(xpath: string): XPathResult {
  const text = xpath.trim();
  if (!text.startsWith('/')) return fail(`"${text}" is not an absolute location path (start it with / or //)`);
  const parts = splitSteps(text);
  if (parts === undefined) return fail(`"${text}" has brackets that do not close`);
  let take: CssPath['take'] = { kind: 'text' };
  const last = parts[parts.length - 1];
  if (last !== undefined && last.axis === '/' && last.step.startsWith('@')) {
    if (!new RegExp(`^@${name}$`).test(last.step)) return fail(`"${last.step}" is not an attribute name`);
    take = { kind: 'attribute', name: last.step.slice(1) };
    parts.pop();
  } else if (last !== undefined && last.axis === '/' && last.step === 'text()') {
    parts.pop();
  }
  if (parts.length === 0) return fail(`"${text}" selects no element`);
  const css: string[] = [];
  for (const [i, { axis, step }] of parts.entries()) {
    const one = stepToCss(step);
    if (!one.ok) return one;
    css.push(i === 0 ? one.css : `${axis === '//' ? ' ' : ' > '}${one.css}`);
  }
  return { ok: true, path: { selector: css.join(''), take } };
}

function fail(message: string): XPathResult {
  return { ok: false, message };
}

/** Splits a path into steps with the axis before each (`/` child, `//` descendant). */
function splitSteps(text: string): { axis: '/' | '//'; step: string }[] | undefined {
  const out: { axis: '/' | '//'; step: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const axis = text.startsWith('//', i) ? '//' : '/';
    i += axis.length;
    let depth = 0;
    let j = i;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '/' && depth === 0) break;
    }
    if (depth !== 0) return undefined;
    out.push({ axis, step: text.slice(i, j) });
    i = j;
  }
  return out;
}

function stepToCss(step: string): { ok: true; css: string } | { ok: false; message: string } {
  const m = stepPattern.exec(step);
  if (m === null) return { ok: false, message: `the step "${step}" is not supported` };
  const tag = m[1] === '*' ? '*' : escapeName(m[1]);
  let css = tag;
  for (const predicate of m[2].match(/\[[^\]]*\]/g) ?? []) {
    for (const part of predicate.slice(1, -1).split(/\s+and\s+/)) {
      const one = predicateToCss(part.trim(), tag === '*');
      if (one === undefined) return { ok: false, message: `the predicate [${part.trim()}] is not supported` };
      css += one;
    }
  }
  return { ok: true, css };
}

const escapeName = (n: string) => n.replace(':', '\\:');
const quotedValue = (m: RegExpExecArray) => JSON.stringify(m[2] ?? m[3] ?? '');

/** Predicate forms: a pattern and its CSS. */
const predicates: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [new RegExp(`^@(${name})$`), (m) => `[${escapeName(m[1])}]`],
  [new RegExp(`^@(${name})\\s*=\\s*(?:${quoted})$`), (m) => `[${escapeName(m[1])}=${quotedValue(m)}]`],
  [
    new RegExp(`^contains\\(\\s*@(${name})\\s*,\\s*(?:${quoted})\\s*\\)$`),
    (m) => `[${escapeName(m[1])}*=${quotedValue(m)}]`,
  ],
  [
    new RegExp(`^starts-with\\(\\s*@(${name})\\s*,\\s*(?:${quoted})\\s*\\)$`),
    (m) => `[${escapeName(m[1])}^=${quotedValue(m)}]`,
  ],
];

function predicateToCss(p: string, anyTag: boolean): string | undefined {
  if (/^\d+$/.test(p)) return anyTag ? `:nth-child(${p})` : `:nth-of-type(${p})`;
  if (p === 'last()') return anyTag ? ':last-child' : ':last-of-type';
  for (const [pattern, css] of predicates) {
    const m = pattern.exec(p);
    if (m !== null) return css(m);
  }
  return undefined;
}
