/**
 * The small part of Groovy (and BeanShell's Java) that JSR223 and BeanShell elements of real
 * plans hold, interpreted without running any code of the plan: statements that read and write
 * variables and properties (`vars.put("id", vars.get("x") + "-1")`), log, time, UUIDs, the
 * previous sample's code and body, locals (`def n = …`, `String s = …`) and string and number
 * methods. Anything else is refused when the plan is compiled, naming the line, so a plan never
 * runs half of a script.
 */
import { randomUUID } from 'node:crypto';
import type { HttpResponse } from '@dlt/model';
import { bodyText } from './response-fields.ts';
import type { Thread } from './scope.ts';
import { compileTemplate } from './template.ts';

/** What a script sees: the thread, and for a post-processor the sample just taken. */
export interface ScriptEnv {
  readonly t: Thread;
  readonly res?: HttpResponse;
}

/** A compiled script: runs its statements in order. */
export type Script = (env: ScriptEnv) => void;

type Value = string | number | boolean | null | undefined | Obj | Json;
/** A JSON object or array read by JsonSlurper (primitives are plain values). */
interface Json {
  readonly json: object;
}
/** A built-in object: its methods by name. */
interface Obj {
  readonly methods: Readonly<Record<string, (args: Value[], env: ScriptEnv) => Value>>;
}

type Expr = (env: ScriptEnv, locals: Map<string, Value>) => Value;

class Refused extends Error {}

type Run = (env: ScriptEnv, locals: Map<string, Value>) => void;

/** One piece of the script: a statement, a brace, or `else`, with its line. */
interface Piece {
  readonly text: string;
  readonly line: number;
}

/** Compiles `source`; each statement it cannot run is a problem naming its line. */
export function compileGroovy(source: string, complain: (message: string) => void): Script {
  const pieces: Piece[] = [];
  source.split('\n').forEach((rawLine, i) => {
    for (const text of splitStatements(stripComment(rawLine)))
      for (const part of splitBraces(text))
        if (part !== '' && !/^import\s/.test(part)) pieces.push({ text: part, line: i + 1 });
  });
  const known = new Set<string>();
  let at = 0;
  const fail = (p: Piece, e: unknown) =>
    complain(`line ${p.line}: ${e instanceof Refused ? e.message : `cannot read "${p.text}"`}`);
  /** Statements up to a closing brace (or the end); an unbalanced brace is a problem. */
  const block = (nested: boolean): Run[] => {
    const runs: Run[] = [];
    while (at < pieces.length) {
      const p = pieces[at++];
      if (p.text === '}') {
        if (nested) return runs;
        fail(p, new Refused('a } closes nothing'));
        continue;
      }
      try {
        runs.push(p.text.startsWith('if') && /^if\s*\(/.test(p.text) ? ifStatement(p) : statement(p.text, known));
      } catch (e) {
        fail(p, e);
      }
    }
    if (nested) complain(`line ${pieces.at(-1)?.line ?? 1}: a { is never closed`);
    return runs;
  };
  /** `if (cond) { … } else if (…) { … } else { … }`, or `if (cond) statement`. */
  const ifStatement = (p: Piece): Run => {
    const close = matchingParen(p.text, p.text.indexOf('('));
    if (close < 0) throw new Refused(`the condition of "${p.text}" does not close`);
    const condition = parseExpression(p.text.slice(p.text.indexOf('(') + 1, close), known);
    const rest = p.text.slice(close + 1).trim();
    const then = rest !== '' ? [statement(rest, known)] : branch(p);
    let otherwise: Run[] = [];
    if (pieces[at]?.text === 'else') {
      at++;
      const next = pieces[at];
      if (next?.text.startsWith('if')) {
        at++;
        otherwise = [ifStatement(next)];
      } else otherwise = branch(p);
    }
    return (env, locals) => {
      for (const run of truthy(condition(env, locals)) ? then : otherwise) run(env, locals);
    };
  };
  const branch = (p: Piece): Run[] => {
    if (pieces[at]?.text !== '{') throw new Refused(`"${p.text}" needs a { … } block`);
    at++;
    return block(true);
  };
  const runs = block(false);
  // As JMeter does, a script that fails at run time is logged there and the sample goes on.
  return (env) => {
    const locals = new Map<string, Value>();
    try {
      for (const run of runs) run(env, locals);
    } catch {
      // The remaining statements are skipped.
    }
  };
}

/** Splits `} else {`, `if (x) {` and the like into their statement, brace and `else` parts. */
function splitBraces(text: string): string[] {
  const out: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '}') {
      // `${…}` left in a string is not a brace; outside strings it was put in before.
      out.push(text.slice(start, i).trim(), c);
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.flatMap((part) => (/^else\b/.test(part) && part !== 'else' ? ['else', part.slice(4).trim()] : [part]));
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Groovy truth: null, false, 0, "" and empty JSON are false. */
function truthy(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (isJson(v)) return Object.keys(v.json).length > 0;
  return true;
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '/' && line[i + 1] === '/') return line.slice(0, i).trim();
  }
  return line.trim();
}

function splitStatements(line: string): string[] {
  const out: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ';') {
      out.push(line.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(line.slice(start).trim());
  return out;
}

const declaration = /^(?:def|var|final|String|int|long|Integer|Long|Object|boolean)\s+([A-Za-z_]\w*)\s*=\s*(.+)$/;
const assignment = /^([A-Za-z_]\w*)\s*=\s*(?!=)(.+)$/;

function statement(text: string, known: Set<string>): (env: ScriptEnv, locals: Map<string, Value>) => void {
  if (/^(return|for|while|do|try|catch|finally|switch|def\s+\w+\s*\()\b/.test(text) || text === '{' || text === 'else')
    throw new Refused(`"${text}": only if/else and statements that call, declare or assign are supported`);
  const decl = declaration.exec(text) ?? assignment.exec(text);
  if (decl !== null && !builtins.has(decl[1])) {
    const [, name, rhs] = decl;
    const value = parseExpression(rhs, known);
    known.add(name);
    return (env, locals) => {
      locals.set(name, value(env, locals));
    };
  }
  const expr = parseExpression(text, known);
  return (env, locals) => {
    expr(env, locals);
  };
}

// ---- expressions: a tiny recursive-descent parser over tokens -------------------------------

type Token = { kind: 'str' | 'num' | 'id' | 'op'; text: string };

/** Whether the next token starts an operand (so a `-` before digits is a negative number). */
function startsOperand(out: readonly Token[]): boolean {
  const last = out.at(-1);
  return last === undefined || (last.kind === 'op' && last.text !== ')' && last.text !== ']');
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] === '\\') {
          j++;
          s += ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[text[j]] ?? text[j];
        } else s += text[j];
      }
      if (j >= text.length) throw new Refused('a string does not end');
      if (c === '"' && /\$\{?[A-Za-z_]/.test(s))
        throw new Refused('Groovy string interpolation ("…$NAME…" in double quotes) is not supported; use +');
      out.push({ kind: 'str', text: s });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? '') && startsOperand(out))) {
      const m = /^-?\d+(\.\d+)?[LlDdFf]?/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ kind: 'num', text: m[0].replace(/[LlDdFf]$/, '') });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][\w$]*/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ kind: 'id', text: m[0] });
      i += m[0].length;
    } else if (c === '?' && text[i + 1] === '.') {
      out.push({ kind: 'op', text: '?.' });
      i += 2;
    } else if (['==', '!=', '<=', '>=', '&&', '||'].includes(text.slice(i, i + 2))) {
      out.push({ kind: 'op', text: text.slice(i, i + 2) });
      i += 2;
    } else if ('<>!'.includes(c)) {
      out.push({ kind: 'op', text: c });
      i++;
    } else if ('().,+[]'.includes(c)) {
      out.push({ kind: 'op', text: c });
      i++;
    } else throw new Refused(`"${c}" is not supported (only calls, strings, numbers and +)`);
  }
  return out;
}

function parseExpression(text: string, known: ReadonlySet<string>): Expr {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = (op?: string) => {
    const t = tokens[at++];
    if (t === undefined || (op !== undefined && t.text !== op))
      throw new Refused(`expected ${op ?? 'more'} in "${text}"`);
    return t;
  };
  const args = (): Expr[] => {
    take('(');
    const list: Expr[] = [];
    if (peek()?.text !== ')') {
      list.push(or());
      while (peek()?.text === ',') {
        take(',');
        list.push(or());
      }
    }
    take(')');
    return list;
  };
  const primary = (): Expr => {
    const t = take();
    if (t.kind === 'str') return () => t.text;
    if (t.kind === 'num') return () => Number(t.text);
    if (t.kind === 'op' && t.text === '(') {
      const e = or();
      take(')');
      return e;
    }
    if (t.kind === 'id') {
      if (t.text === 'true' || t.text === 'false') return () => t.text === 'true';
      if (t.text === 'null') return () => null;
      if (t.text === 'new') {
        // Only the JSON reader: `new groovy.json.JsonSlurper()` or `new JsonSlurper()`.
        let type = take().text;
        while (peek()?.text === '.') {
          take('.');
          type += `.${take().text}`;
        }
        if (type !== 'JsonSlurper' && type !== 'groovy.json.JsonSlurper')
          throw new Refused(`creating objects (new ${type}) is not supported in "${text}"`);
        args();
        return () => jsonSlurper;
      }
      const name = t.text;
      if (builtins.has(name)) return (env) => (builtins.get(name) as (env: ScriptEnv) => Obj)(env);
      if (!known.has(name))
        throw new Refused(
          `${name} is not supported (scripts may use vars, props, log, ctx, prev, System, UUID, String, Integer, Long)`,
        );
      return (_env, locals) => locals.get(name);
    }
    throw new Refused(`"${t.text}" is not supported in "${text}"`);
  };
  const postfix = (): Expr => {
    let e = primary();
    while (peek()?.text === '.' || peek()?.text === '?.' || peek()?.text === '[') {
      const op = take().text;
      const target = e;
      if (op === '[') {
        const index = sum();
        take(']');
        e = (env, locals) => member(target(env, locals), index(env, locals));
        continue;
      }
      const name = take().text;
      const list = peek()?.text === '(' ? args() : undefined;
      e = (env, locals) => {
        const self = target(env, locals);
        if (op === '?.' && (self === null || self === undefined)) return null;
        return call(
          self,
          name,
          list?.map((a) => a(env, locals)),
          env,
        );
      };
    }
    return e;
  };
  const unary = (): Expr => {
    if (peek()?.text !== '!') return postfix();
    take('!');
    const operand = unary();
    return (env, locals) => !truthy(operand(env, locals));
  };
  const sum = (): Expr => {
    let e = unary();
    while (peek()?.text === '+') {
      take('+');
      const left = e;
      const right = unary();
      e = (env, locals) => plus(left(env, locals), right(env, locals));
    }
    return e;
  };
  /** Binary operators of one precedence level over the next. */
  const level =
    (ops: readonly string[], next: () => Expr, apply: (op: string, a: Value, b: Value) => Value) => (): Expr => {
      let e = next();
      while (ops.includes(peek()?.text ?? '')) {
        const op = take().text;
        const left = e;
        const right = next();
        e = (env, locals) => apply(op, left(env, locals), right(env, locals));
      }
      return e;
    };
  const relation = level(['<', '>', '<=', '>='], sum, compare);
  const equality = level(['==', '!='], relation, (op, a, b) => (op === '==') === same(a, b));
  const and = (): Expr => {
    let e = equality();
    while (peek()?.text === '&&') {
      take('&&');
      const left = e;
      const right = equality();
      e = (env, locals) => truthy(left(env, locals)) && truthy(right(env, locals));
    }
    return e;
  };
  const or = (): Expr => {
    let e = and();
    while (peek()?.text === '||') {
      take('||');
      const left = e;
      const right = and();
      e = (env, locals) => truthy(left(env, locals)) || truthy(right(env, locals));
    }
    return e;
  };
  const e = or();
  if (at !== tokens.length) throw new Refused(`"${tokens[at].text}" is not supported in "${text}"`);
  return e;
}

/** Groovy's == on what scripts compare: numbers by value, the rest by their text; null only equals null. */
function same(a: Value, b: Value): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return str(a) === str(b);
}

/** <, >, <=, >= on numbers (or on text when either is not a number). */
function compare(op: string, a: Value, b: Value): boolean {
  const x = typeof a === 'number' ? a : Number(str(a));
  const y = typeof b === 'number' ? b : Number(str(b));
  const [l, r]: [number | string, number | string] = Number.isNaN(x) || Number.isNaN(y) ? [str(a), str(b)] : [x, y];
  switch (op) {
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    default:
      return l >= r;
  }
}

function plus(a: Value, b: Value): Value {
  return typeof a === 'number' && typeof b === 'number' ? a + b : str(a) + str(b);
}

function str(v: Value): string {
  if (v === null || v === undefined) return 'null';
  if (isJson(v)) return JSON.stringify(v.json);
  if (typeof v === 'object') return Object.hasOwn(v.methods, 'toString') ? String(own(v, 'toString')?.([], noEnv)) : '';
  return String(v);
}

/** A method the object has itself (never one inherited from Object). */
function own(o: Obj, name: string): ((args: Value[], env: ScriptEnv) => Value) | undefined {
  return Object.hasOwn(o.methods, name) ? o.methods[name] : undefined;
}

const noEnv = {} as ScriptEnv;

const isJson = (v: Value): v is Json => v !== null && typeof v === 'object' && 'json' in v;

/** A JSON value as a script value: objects and arrays wrapped, primitives as they are. */
function fromJson(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'object') return { json: x };
  return x as string | number | boolean;
}

/** `json.key`, `json['key']`, `list[0]`. */
function member(target: Value, key: Value): Value {
  if (!isJson(target)) throw new Error('[…] is supported on JSON values only');
  const o = target.json as Record<string, unknown>;
  const k = Array.isArray(o) && typeof key === 'number' && key < 0 ? o.length + key : str(key);
  return Object.hasOwn(o, k) ? fromJson(o[k as keyof typeof o]) : null;
}

/** Methods and properties of JSON values (Groovy maps and lists). */
function callJson(target: Json, name: string, args: Value[] | undefined): Value {
  const o = target.json as Record<string, unknown>;
  if (args === undefined) return Array.isArray(o) && name === 'size' ? o.length : member(target, name);
  switch (name) {
    case 'size':
      return Array.isArray(o) ? o.length : Object.keys(o).length;
    case 'get':
      return member(target, args[0]);
    case 'isEmpty':
      return Array.isArray(o) ? o.length === 0 : Object.keys(o).length === 0;
    case 'containsKey':
      return !Array.isArray(o) && Object.hasOwn(o, str(args[0]));
    case 'toString':
      return str(target);
    default:
      throw new Error(`${name}() is not supported on JSON values`);
  }
}

const jsonSlurper: Obj = {
  methods: {
    parseText: ([text]: Value[]) => fromJson(JSON.parse(str(text))),
  },
};

/** Calls `name` on `target` (a property read when `args` is undefined). */
function call(target: Value, name: string, args: Value[] | undefined, env: ScriptEnv): Value {
  if (isJson(target)) return callJson(target, name, args);
  if (target !== null && typeof target === 'object') {
    const method = own(target, name);
    if (method === undefined) throw new Error(`${name}() is not supported here`);
    return method(args ?? [], env);
  }
  const m = Object.hasOwn(valueMethods, name) ? valueMethods[name] : undefined;
  if (m === undefined) throw new Error(`.${name} is not supported on ${typeof target}`);
  return m(target, args ?? []);
}

const valueMethods: Readonly<Record<string, (v: Value, args: Value[]) => Value>> = {
  toString: (v: Value) => str(v),
  trim: (v) => str(v).trim(),
  toUpperCase: (v) => str(v).toUpperCase(),
  toLowerCase: (v) => str(v).toLowerCase(),
  length: (v) => str(v).length,
  size: (v) => str(v).length,
  substring: (v, [a, b]) => str(v).substring(Number(a), b === undefined ? undefined : Number(b)),
  replace: (v, [a, b]) => str(v).split(str(a)).join(str(b)),
  contains: (v, [a]) => str(v).includes(str(a)),
  startsWith: (v, [a]) => str(v).startsWith(str(a)),
  endsWith: (v, [a]) => str(v).endsWith(str(a)),
  equals: (v, [a]) => str(v) === str(a),
  isEmpty: (v) => str(v) === '',
  intValue: (v) => Math.trunc(Number(v)),
  toInteger: (v) => Math.trunc(Number(v)),
};

const obj = (methods: Obj['methods']): Obj => ({ methods });
const asText = (v: Value) => (v === null || v === undefined ? null : str(v));

const builtins = new Map<string, (env: ScriptEnv) => Obj>([
  [
    'vars',
    ({ t }) =>
      obj({
        get: ([k]) => t.vars.get(str(k)) ?? null,
        put: ([k, v]) => {
          const text = asText(v);
          if (text === null) t.vars.delete(str(k));
          else t.vars.set(str(k), text);
          return null;
        },
        remove: ([k]) => {
          t.vars.delete(str(k));
          return null;
        },
      }),
  ],
  [
    'props',
    ({ t }) =>
      obj({
        get: ([k]) => t.test.props.get(str(k)) ?? null,
        getProperty: ([k, d]) => t.test.props.get(str(k)) ?? (d === undefined ? null : d),
        put: ([k, v]) => {
          t.test.props.set(str(k), str(v));
          return null;
        },
        setProperty: ([k, v]) => {
          t.test.props.set(str(k), str(v));
          return null;
        },
      }),
  ],
  ['log', () => obj({ info: () => null, warn: () => null, error: () => null, debug: () => null })],
  [
    'ctx',
    ({ t }) => obj({ getThreadNum: () => t.threadNum - 1, getThreadGroup: () => obj({ getName: () => t.group.name }) }),
  ],
  ['prev', (env) => sampleResult(env)],
  ['SampleResult', (env) => sampleResult(env)],
  ['System', () => obj({ currentTimeMillis: () => Date.now(), nanoTime: () => Math.round(performance.now() * 1e6) })],
  ['UUID', () => obj({ randomUUID: () => obj({ toString: () => randomUUID() }) })],
  ['String', () => obj({ valueOf: ([v]: Value[]) => str(v) })],
  ['Integer', () => obj({ parseInt: ([v]: Value[]) => integer(v), valueOf: ([v]: Value[]) => integer(v) })],
  ['Long', () => obj({ parseLong: ([v]: Value[]) => integer(v), valueOf: ([v]: Value[]) => integer(v) })],
]);

function integer(v: Value): number {
  const n = Number.parseInt(str(v), 10);
  if (Number.isNaN(n)) throw new Error(`"${str(v)}" is not a number`);
  return n;
}

function sampleResult({ res }: ScriptEnv): Obj {
  const need = () => {
    if (res === undefined) throw new Error('there is no previous sample here');
    return res;
  };
  return obj({
    getResponseCode: () => String(need().status),
    getResponseDataAsString: () => bodyText(need()),
    isSuccessful: () => need().status > 0 && need().status < 400 && need().error === undefined,
  });
}

/** The script of a JSR223 or BeanShell element, compiled; undefined (problems recorded) when it cannot run. */
export function scriptOf(
  el: { readonly type: string; readonly props: ReadonlyMap<string, { readonly value: string }> },
  complain: (message: string, hint?: string) => void,
): Script | undefined {
  const prop = (name: string) => el.props.get(name)?.value ?? '';
  const isBeanShellSampler = el.type === 'BeanShellSampler';
  const file = prop(isBeanShellSampler ? 'BeanShellSampler.filename' : 'filename').trim();
  const text = prop(isBeanShellSampler ? 'BeanShellSampler.query' : 'script');
  const language = el.type.startsWith('JSR223') ? prop('scriptLanguage').trim().toLowerCase() || 'groovy' : 'beanshell';
  if (!['groovy', 'java', 'beanshell', 'bsh'].includes(language)) {
    complain(`scripts in ${language} cannot run in dlt`, 'dlt runs the simple Groovy statements plans use');
    return undefined;
  }
  if (file !== '') {
    complain(`the script file ${file} is not supported; put the script in the element`);
    return undefined;
  }
  let refused = false;
  const refuse = (message: string) => {
    refused = true;
    complain(message, 'dlt runs the simple statements plans use: vars/props get and put, log, time, UUIDs, prev');
  };
  if (!text.includes('${')) {
    const script = compileGroovy(text, refuse);
    return refused ? undefined : script;
  }
  // JMeter puts the values of `${…}` into the script's text before the script runs: the text is
  // a template, and each text it gives is read once. Checked here with every `${…}` as 0.
  compileGroovy(text.replace(/\$\{[^}]*\}/g, '0'), refuse);
  const template = compileTemplate(text, (m) => refuse(m));
  if (refused) return undefined;
  const compiled = new Map<string, Script>();
  return (env) => {
    const source = template(env.t);
    let script = compiled.get(source);
    if (script === undefined) {
      script = compileGroovy(source, () => {});
      if (compiled.size < 100) compiled.set(source, script);
    }
    script(env);
  };
}
