/**
 * JMeter's `${…}` strings compiled once into functions of a thread: `${name}` reads a variable
 * (left as written when unset, as JMeter does) and `${__fn(a,b)}` calls a function whose
 * arguments are templates themselves. Unknown functions are problems at compile time.
 */
import { functionTable } from './functions.ts';
import type { Thread } from './scope.ts';

/** A compiled string. */
export type Template = (t: Thread) => string;

/** Collects what could not be compiled. */
export type Complain = (message: string) => void;

/** A function call: its name and its arguments' templates. */
export interface FunctionCall {
  readonly name: string;
  readonly args: readonly Template[];
  /** The arguments as written, for functions that compile them (`__jexl3`). */
  readonly raw: readonly string[];
}

/** Compiles `text`; problems (unknown functions, bad arguments) go to `complain`. */
export function compileTemplate(text: string, complain: Complain): Template {
  if (!text.includes('${')) return () => text;
  const parts: (string | Template)[] = [];
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('${', i);
    if (at < 0) {
      parts.push(text.slice(i));
      break;
    }
    const end = closing(text, at + 2);
    if (end < 0) {
      parts.push(text.slice(i));
      break;
    }
    if (at > i) parts.push(text.slice(i, at));
    parts.push(reference(text.slice(at + 2, end), complain));
    i = end + 1;
  }
  if (parts.length === 1) return typeof parts[0] === 'string' ? constant(parts[0]) : parts[0];
  return (t) => {
    let s = '';
    for (const p of parts) s += typeof p === 'string' ? p : p(t);
    return s;
  };
}

const constant =
  (s: string): Template =>
  () =>
    s;

/** The index of the `}` closing a `${` whose body starts at `from`, or -1. */
function closing(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function reference(body: string, complain: Complain): Template {
  // `__jm__<element>__idx` (JMeter 5's loop indexes) are variables, not functions.
  const call = body.startsWith('__jm__') ? null : /^(__\w+)\s*(?:\(([\s\S]*)\))?\s*$/.exec(body);
  if (call === null) {
    const whole = `\${${body}}`;
    return (t) => t.vars.get(body) ?? whole;
  }
  const name = call[1];
  const raw = call[2] === undefined ? [] : splitArgs(call[2]);
  const make = functionTable[name];
  if (make === undefined) {
    complain(`function ${name} is not supported`);
    return () => '';
  }
  const args = raw.map((a) => compileTemplate(a, complain));
  return make({ name, args, raw }, (m) => complain(`${name}: ${m}`));
}

/** Splits a function's arguments on commas outside nested `${…}` and parentheses; `\,` is a comma. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let nest = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && (s[i + 1] === ',' || s[i + 1] === '\\')) {
      cur += s[++i];
      continue;
    }
    if (c === '$' && s[i + 1] === '{') nest++;
    else if (c === '(') nest++;
    else if ((c === '}' || c === ')') && nest > 0) nest--;
    else if (c === ',' && nest === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}
