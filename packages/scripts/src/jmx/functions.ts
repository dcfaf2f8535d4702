/**
 * JMeter's functions that real plans use, each compiled from its argument templates. A
 * function with a "variable name" argument also stores its result there, as JMeter does.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { compileCondition } from './expression.ts';
import { formatTime } from './format-time.ts';
import { moreFunctions } from './functions-more.ts';
import type { Thread } from './scope.ts';
import type { Complain, FunctionCall, Template } from './template.ts';

type Make = (call: FunctionCall, complain: Complain) => Template;

const arg = (call: FunctionCall, i: number): Template => call.args[i] ?? (() => '');

/** Stores `value` in the variable named by argument `i` when given. */
function storing(call: FunctionCall, i: number, value: (t: Thread) => string): Template {
  const name = call.args[i];
  if (name === undefined) return value;
  return (t) => {
    const v = value(t);
    const n = name(t).trim();
    if (n) t.vars.set(n, v);
    return v;
  };
}

const property: Make = (call) => {
  const name = arg(call, 0);
  const fallback = call.name === '__P' ? arg(call, 1) : arg(call, 2);
  const read = (t: Thread) => {
    const def = call.name === '__P' && call.args.length < 2 ? '1' : fallback(t);
    return t.test.props.get(name(t)) ?? def;
  };
  return call.name === '__P' ? read : storing(call, 1, read);
};

const random: Make = (call, complain) => {
  if (call.args.length < 2) complain('needs a minimum and a maximum');
  return storing(call, 2, (t) => {
    const lo = Number(arg(call, 0)(t));
    const hi = Number(arg(call, 1)(t));
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) return '';
    return String(lo + Math.floor(Math.random() * (hi - lo + 1)));
  });
};

const alphanumeric = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const randomString: Make = (call) =>
  storing(call, 2, (t) => {
    const n = Math.max(0, Math.min(1_000_000, Number(arg(call, 0)(t)) || 0));
    const chars = arg(call, 1)(t) || alphanumeric;
    let s = '';
    for (let i = 0; i < n; i++) s += chars[randomInt(chars.length)];
    return s;
  });

const time: Make = (call) =>
  storing(call, 1, (t) => {
    const format = arg(call, 0)(t);
    const now = Date.now();
    if (format === '') return String(now);
    if (/^\/\d+$/.test(format)) return String(Math.floor(now / Number(format.slice(1))));
    return formatTime(new Date(now), format);
  });

const counter: Make = (call) =>
  storing(call, 1, (t) => {
    const perThread = arg(call, 0)(t).trim().toUpperCase() !== 'FALSE';
    if (perThread) return String(++t.counter);
    const n = (t.test.counters.get('__counter') ?? 0) + 1;
    t.test.counters.set('__counter', n);
    return String(n);
  });

const variable: Make = (call) => (t) => {
  const name = arg(call, 0)(t);
  return t.vars.get(name) ?? (call.args.length > 1 ? arg(call, 1)(t) : `\${${name}}`);
};

const sum: Make = (call) => {
  const last = call.args.length - 1;
  return (t) => {
    const values = call.args.map((a) => a(t));
    // JMeter: a last argument that is not a number names the variable to store the sum in.
    const named = last >= 2 && !/^-?\d+$/.test(values[last].trim());
    const total = (named ? values.slice(0, -1) : values).reduce((s, v) => s + (Number.parseInt(v, 10) || 0), 0);
    if (named) t.vars.set(values[last].trim(), String(total));
    return String(total);
  };
};

/** `__jexl3(expression, variable)` and its kin: the expression subset of `expression.ts`. */
const expression: Make = (call, complain) => {
  const evaluate = compileCondition(call.raw[0] ?? '', complain);
  const template = arg(call, 0);
  return storing(call, 1, (t) => evaluate(template(t), t));
};

const unary =
  (f: (s: string) => string): Make =>
  (call) =>
  (t) =>
    f(arg(call, 0)(t));

/** Supported functions by name. */
export const functionTable: Readonly<Record<string, Make>> = {
  __P: property,
  __property: property,
  __Random: random,
  __RandomString: randomString,
  __time: time,
  __UUID: () => () => randomUUID(),
  __counter: counter,
  __threadNum: () => (t) => String(t.threadNum),
  __V: variable,
  __urlencode: unary((s) => encodeURIComponent(s).replace(/%20/g, '+')),
  __urldecode: unary((s) => decodeURIComponent(s.replace(/\+/g, ' '))),
  __base64Encode: unary((s) => Buffer.from(s, 'utf8').toString('base64')),
  __base64Decode: unary((s) => Buffer.from(s, 'base64').toString('utf8')),
  __intSum: sum,
  __longSum: sum,
  __jexl2: expression,
  __jexl3: expression,
  __groovy: expression,
  __javaScript: expression,
  ...moreFunctions,
};
