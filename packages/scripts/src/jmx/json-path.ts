/**
 * The JSONPath that JMeter plans use (Jayway's syntax), compiled once: `$.a.b`, `['a']`, `[0]`,
 * `[-1]`, `[0,2]`, `[1:3]`, `*`, `..name`, filters `[?(@.price < 10 && @.tag == 'x')]` and a
 * trailing `.length()`. A path outside the subset is refused when the plan is compiled.
 */

type Step =
  | { readonly k: 'child'; readonly names: readonly (string | number)[] }
  | { readonly k: 'all' }
  | { readonly k: 'deep'; readonly name: string | null }
  | { readonly k: 'slice'; readonly from?: number; readonly to?: number }
  | { readonly k: 'filter'; readonly test: (v: unknown) => boolean };

/** A compiled path: every match in document order. */
export type JsonPath = (doc: unknown) => unknown[];

/** Compiles `path`; throws an Error with a message when it is outside the subset. */
export function compileJsonPath(path: string): JsonPath {
  let src = path.trim();
  let length = false;
  if (src.endsWith('.length()')) {
    length = true;
    src = src.slice(0, -'.length()'.length);
  }
  if (!src.startsWith('$')) src = `$.${src}`;
  const steps = parseSteps(src.slice(1));
  return (doc) => {
    let cur: unknown[] = [doc];
    for (const s of steps) cur = cur.flatMap((v) => apply(s, v));
    return length ? cur.map((v) => (Array.isArray(v) ? v.length : typeof v === 'string' ? v.length : 0)) : cur;
  };
}

function parseSteps(s: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      i += 2;
      const m = /^(\*|[\w$-]+)/.exec(s.slice(i));
      if (m !== null) {
        steps.push({ k: 'deep', name: m[1] === '*' ? null : m[1] });
        i += m[1].length;
      } else steps.push({ k: 'deep', name: null });
    } else if (s[i] === '.') {
      const m = /^(\*|[^.[\]]+)/.exec(s.slice(i + 1));
      if (m === null) throw new Error(`nothing after "." at ${i + 1}`);
      steps.push(m[1] === '*' ? { k: 'all' } : { k: 'child', names: [m[1]] });
      i += 1 + m[1].length;
    } else if (s[i] === '[') {
      const end = bracketEnd(s, i);
      steps.push(bracket(s.slice(i + 1, end).trim()));
      i = end + 1;
    } else throw new Error(`unexpected "${s[i]}" at ${i + 1}`);
  }
  return steps;
}

function bracketEnd(s: string, from: number): number {
  let quote = '';
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if ((c === ']' || c === ')') && --depth === 0 && c === ']') return i;
  }
  throw new Error('a "[" is not closed');
}

function bracket(inner: string): Step {
  if (inner === '*') return { k: 'all' };
  if (inner.startsWith('?(') && inner.endsWith(')')) return { k: 'filter', test: compileFilter(inner.slice(2, -1)) };
  const slice = /^(-?\d+)?:(-?\d+)?$/.exec(inner);
  if (slice !== null) {
    return {
      k: 'slice',
      from: slice[1] === undefined ? undefined : Number(slice[1]),
      to: slice[2] === undefined ? undefined : Number(slice[2]),
    };
  }
  const names = inner.split(',').map((p) => {
    const t = p.trim();
    if (/^-?\d+$/.test(t)) return Number(t);
    const q = /^(['"])(.*)\1$/.exec(t);
    if (q === null) throw new Error(`cannot read [${inner}]`);
    return q[2];
  });
  return { k: 'child', names };
}

function apply(s: Step, v: unknown): unknown[] {
  switch (s.k) {
    case 'child':
      return s.names.flatMap((n) => child(v, n));
    case 'all':
      return Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
    case 'slice': {
      if (!Array.isArray(v)) return [];
      return v.slice(s.from, s.to);
    }
    case 'filter':
      return (Array.isArray(v) ? v : isObject(v) ? Object.values(v) : []).filter(s.test);
    case 'deep':
      return descend(v, s.name);
  }
}

function child(v: unknown, n: string | number): unknown[] {
  if (typeof n === 'number') {
    if (!Array.isArray(v)) return [];
    const i = n < 0 ? v.length + n : n;
    return i >= 0 && i < v.length ? [v[i]] : [];
  }
  return isObject(v) && Object.hasOwn(v, n) ? [(v as Record<string, unknown>)[n]] : [];
}

/** Every value below `v` (itself included) with key `name`, or every value when name is null. */
function descend(v: unknown, name: string | null): unknown[] {
  const out: unknown[] = [];
  const walk = (x: unknown, depth: number) => {
    if (depth > 200) return;
    const kids = Array.isArray(x) ? x : isObject(x) ? Object.values(x) : [];
    if (name === null) out.push(...kids);
    else if (isObject(x) && Object.hasOwn(x, name)) out.push((x as Record<string, unknown>)[name]);
    for (const k of kids) walk(k, depth + 1);
  };
  walk(v, 0);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `@.a.b == 'x' && @.c` and the like. */
function compileFilter(expr: string): (v: unknown) => boolean {
  const ors = expr.split('||').map((o) => o.split('&&').map((term) => compileTerm(term.trim())));
  return (v) => ors.some((and) => and.every((t) => t(v)));
}

function compileTerm(term: string): (v: unknown) => boolean {
  const m = /^@((?:\.[\w$-]+|\[[^\]]+\])*)\s*(?:(==|!=|<=|>=|<|>|=~)\s*(.+))?$/.exec(term);
  if (m === null) throw new Error(`cannot read the filter "${term}"`);
  const path = compileJsonPath(`$${m[1]}`);
  if (m[2] === undefined) return (v) => path(v).length > 0;
  const op = m[2];
  const want = literal(m[3].trim());
  return (v) => path(v).some((x) => compareJson(op, x, want));
}

function literal(s: string): unknown {
  const q = /^(['"])(.*)\1$/.exec(s);
  if (q !== null) return q[2];
  const re = /^\/(.*)\/([a-z]*)$/.exec(s);
  if (re !== null) return new RegExp(re[1], re[2]);
  if (s === 'true' || s === 'false') return s === 'true';
  if (s === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  throw new Error(`cannot read the value ${s}`);
}

function compareJson(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '=~':
      return b instanceof RegExp && typeof a === 'string' && b.test(a);
    default: {
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      const x = a as number | string;
      const y = b as number | string;
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
    }
  }
}
