/**
 * Reads the values of a k6 script that are known without running it: literals, objects and
 * arrays of them, top-level constants, string concatenation and template literals, and
 * `__ENV.NAME` (optionally `|| 'default'`), which becomes the simple format's `${NAME}` (or
 * `${NAME:-default}`), so `dlt run -e NAME=…` fills the converted test as it fills the script.
 * Literal text that holds `${` is escaped as `$${`. Anything else is not known: undefined.
 */
import type { Expression, Node } from 'acorn';

/** A value known before the run; strings are already in the simple format's spelling. */
export type Known = string | number | boolean | null | readonly Known[] | { readonly [k: string]: Known };

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Escapes literal text for the simple format: `${` would read a variable. */
export function escapeText(s: string): string {
  return s.replaceAll('${', () => '$${');
}

/** The value of `node`, or undefined when it is only known at run time. */
export function knownValue(node: Node | null | undefined, consts: ReadonlyMap<string, Known>): Known | undefined {
  if (!node) return undefined;
  const n = node as Expression;
  switch (n.type) {
    case 'Literal':
      if (typeof n.value === 'string') return escapeText(n.value);
      if (typeof n.value === 'number' || typeof n.value === 'boolean' || n.value === null) return n.value;
      return undefined;
    case 'TemplateLiteral': {
      let out = escapeText(n.quasis[0].value.cooked ?? '');
      for (let i = 0; i < n.expressions.length; i++) {
        const v = knownValue(n.expressions[i], consts);
        if (v === undefined || typeof v === 'object') return undefined;
        out += String(v) + escapeText(n.quasis[i + 1].value.cooked ?? '');
      }
      return out;
    }
    case 'Identifier':
      return consts.get(n.name);
    case 'UnaryExpression': {
      const v = knownValue(n.argument, consts);
      return n.operator === '-' && typeof v === 'number' ? -v : undefined;
    }
    case 'MemberExpression':
      return envReference(n);
    case 'LogicalExpression': {
      const env = n.operator === '||' || n.operator === '??' ? envReference(n.left) : undefined;
      const fallback = knownValue(n.right, consts);
      if (env === undefined || (typeof fallback !== 'string' && typeof fallback !== 'number')) return undefined;
      const text = String(fallback);
      return text.includes('}') || text.includes('$') ? undefined : `${env.slice(0, -1)}:-${text}}`;
    }
    case 'BinaryExpression': {
      if (n.operator !== '+') return undefined;
      const [a, b] = [knownValue(n.left, consts), knownValue(n.right, consts)];
      if (a === undefined || b === undefined || typeof a === 'object' || typeof b === 'object') return undefined;
      return typeof a === 'number' && typeof b === 'number' ? a + b : String(a) + String(b);
    }
    case 'ArrayExpression': {
      const out: Known[] = [];
      for (const e of n.elements) {
        const v = e && e.type !== 'SpreadElement' ? knownValue(e, consts) : undefined;
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case 'ObjectExpression': {
      const out: Record<string, Known> = {};
      for (const p of n.properties) {
        if (p.type !== 'Property' || p.kind !== 'init' || p.method) return undefined;
        const key = p.computed ? undefined : p.key.type === 'Identifier' ? p.key.name : knownValue(p.key, consts);
        const v = knownValue(p.value, consts);
        if ((typeof key !== 'string' && typeof key !== 'number') || v === undefined) return undefined;
        out[String(key)] = v;
      }
      return out;
    }
    case 'CallExpression':
      return jsonStringify(n, consts);
    default:
      return undefined;
  }
}

/** `__ENV.NAME` (or `__ENV['NAME']`) as `${NAME}`. */
function envReference(n: Node): string | undefined {
  if (n.type !== 'MemberExpression') return undefined;
  const m = n as Extract<Expression, { type: 'MemberExpression' }>;
  if (m.object.type !== 'Identifier' || m.object.name !== '__ENV') return undefined;
  const name = m.computed
    ? m.property.type === 'Literal' && typeof m.property.value === 'string'
      ? m.property.value
      : undefined
    : m.property.type === 'Identifier'
      ? m.property.name
      : undefined;
  return name !== undefined && envName.test(name) ? `\${${name}}` : undefined;
}

/** `JSON.stringify(value)` of a known value: the same text the script sends. */
function jsonStringify(n: Extract<Expression, { type: 'CallExpression' }>, consts: ReadonlyMap<string, Known>) {
  const c = n.callee;
  const isStringify =
    c.type === 'MemberExpression' &&
    c.object.type === 'Identifier' &&
    c.object.name === 'JSON' &&
    c.property.type === 'Identifier' &&
    c.property.name === 'stringify';
  if (!isStringify || n.arguments.length !== 1) return undefined;
  const v = knownValue(n.arguments[0], consts);
  return v === undefined ? undefined : JSON.stringify(v);
}
