/**
 * More of JMeter's functions that real plans use beside the common ones: properties set at run
 * time (`__setProperty`, to pass values between thread groups), the machine's name and address,
 * `__timeShift`, `__eval`/`__evalVar`, `__split`, `__digest`, `__changeCase`, `__char`,
 * `__escapeHtml`/`__unescapeHtml`/`__escapeXml`, `__isVarDefined`, `__threadGroupName`, `__log`.
 */
import { createHash, getHashes } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import { formatTime } from './format-time.ts';
import type { Thread } from './scope.ts';
import { type Complain, compileTemplate, type FunctionCall, type Template } from './template.ts';

type Make = (call: FunctionCall, complain: Complain) => Template;

const arg = (call: FunctionCall, i: number): Template => call.args[i] ?? (() => '');

/** The value, also stored in the variable named by argument `i` when given. */
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

const setProperty: Make = (call) => (t) => {
  const name = arg(call, 0)(t);
  const old = t.test.props.get(name) ?? '';
  t.test.props.set(name, arg(call, 1)(t));
  return arg(call, 2)(t).trim().toLowerCase() === 'true' ? old : '';
};

function machineIp(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/** An ISO-8601 duration (`P1D`, `-PT2H30M`, `P1DT12H`) in ms; undefined when it is not one. */
export function isoDurationMs(text: string): number | undefined {
  const m = /^([-+]?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (m === null || text.trim().toUpperCase().endsWith('T')) return undefined;
  const [, sign, d = '0', h = '0', min = '0', s = '0'] = m;
  const ms = ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(s) * 1000;
  return sign === '-' ? -ms : ms;
}

const timeShift: Make = (call, complain) => {
  if (call.raw[1] !== undefined && call.raw[1].trim() !== '')
    complain('__timeShift shifts the current time only (leave the date to shift empty)');
  return storing(call, 4, (t) => {
    const format = arg(call, 0)(t);
    const shift = arg(call, 2)(t).trim();
    const ms = shift === '' ? 0 : isoDurationMs(shift);
    const at = new Date(Date.now() + (ms ?? 0));
    return format === '' ? String(at.getTime()) : formatTime(at, format);
  });
};

/** Templates compiled at run time (`__eval`), kept per text; bounded. */
const evaluated = new Map<string, Template>();

function evaluate(text: string, t: Thread): string {
  let tpl = evaluated.get(text);
  if (tpl === undefined) {
    tpl = compileTemplate(text, () => {});
    if (evaluated.size < 1000) evaluated.set(text, tpl);
  }
  return tpl(t);
}

const split: Make = (call) => (t) => {
  const text = arg(call, 0)(t);
  const name = arg(call, 1)(t).trim();
  const delimiter = call.args.length > 2 ? arg(call, 2)(t) : ',';
  const parts = delimiter === '' ? [text] : text.split(delimiter);
  if (name) {
    t.vars.set(name, text);
    t.vars.set(`${name}_n`, String(parts.length));
    parts.forEach((p, i) => {
      t.vars.set(`${name}_${i + 1}`, p === '' ? '?' : p);
    });
  }
  return text;
};

const digest: Make = (call, complain) => {
  const algorithm = (call.raw[0] ?? '').trim().toLowerCase().replace(/-/g, '');
  if (!call.raw[0]?.includes('${') && !getHashes().includes(algorithm))
    complain(`__digest: unknown algorithm "${call.raw[0] ?? ''}"`);
  return storing(call, 4, (t) => {
    const alg = arg(call, 0)(t).trim().toLowerCase().replace(/-/g, '');
    const hex = createHash(alg)
      .update(arg(call, 1)(t) + arg(call, 2)(t))
      .digest('hex');
    return arg(call, 3)(t).trim().toLowerCase() === 'true' ? hex.toUpperCase() : hex;
  });
};

const changeCase: Make = (call) =>
  storing(call, 2, (t) => {
    const s = arg(call, 0)(t);
    switch (arg(call, 1)(t).trim().toUpperCase()) {
      case 'LOWER':
        return s.toLowerCase();
      case 'CAPITALIZE':
        return s.charAt(0).toUpperCase() + s.slice(1);
      default:
        return s.toUpperCase();
    }
  });

const entities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => entities[c]);
const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

const unary =
  (f: (s: string) => string): Make =>
  (call) =>
    storing(call, 1, (t) => f(arg(call, 0)(t)));

/** The functions of this file by name. */
export const moreFunctions: Readonly<Record<string, Make>> = {
  __setProperty: setProperty,
  __machineName: (call) => storing(call, 0, () => hostname()),
  __machineIP: (call) => storing(call, 0, () => machineIp()),
  __timeShift: timeShift,
  __eval: (call) => (t) => evaluate(arg(call, 0)(t), t),
  __evalVar: (call) => (t) => evaluate(t.vars.get(arg(call, 0)(t).trim()) ?? '', t),
  __split: split,
  __digest: digest,
  __changeCase: changeCase,
  __char: (call) => (t) => call.args.map((a) => String.fromCodePoint(Number(a(t).trim()) || 0)).join(''),
  __escapeHtml: unary(escapeHtml),
  __unescapeHtml: unary(unescapeHtml),
  __escapeXml: unary(escapeHtml),
  __isVarDefined: (call) => (t) => String(t.vars.has(arg(call, 0)(t).trim())),
  __threadGroupName: () => (t) => t.group.name,
  __log: (call) => (t) => arg(call, 0)(t),
};
