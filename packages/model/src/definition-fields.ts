/**
 * Field schemas of the test definition that read the way users write values: durations in any
 * k6/Taurus form, counts and booleans also as strings (so `${USERS:-10}` works after
 * interpolation), each refusal worded for the user and carrying a hint.
 */
import { z } from 'zod';
import { durationHint, tryParseDuration } from './duration.ts';
import type { ThresholdSpec } from './threshold.ts';
import { parseThresholdKey, tryParseThreshold } from './threshold-parse.ts';

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A duration in milliseconds; `positive` refuses 0. */
export function durationField(options: { positive?: boolean } = {}) {
  return z.union([z.number(), z.string()]).transform((v, ctx): number => {
    const r = tryParseDuration(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message, params: { hint: durationHint } });
      return z.NEVER;
    }
    if (options.positive && r.ms === 0) {
      ctx.addIssue({ code: 'custom', message: `must be more than 0, got ${quote(v)}`, params: { hint: durationHint } });
      return z.NEVER;
    }
    return r.ms;
  });
}

/** A number from a number or a numeric string; `whole` refuses fractions. */
function numberField(kind: { whole: boolean; min: number; exclusive: boolean }) {
  return z.union([z.number(), z.string()]).transform((v, ctx): number => {
    const n = typeof v === 'number' ? v : /^\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*$/.test(v) ? Number(v) : Number.NaN;
    const what = kind.whole ? 'a whole number' : 'a number';
    if (!Number.isFinite(n) || (kind.whole && !Number.isInteger(n))) {
      ctx.addIssue({ code: 'custom', message: `${quote(v)} is not ${what}` });
      return z.NEVER;
    }
    if (kind.exclusive ? n <= kind.min : n < kind.min) {
      const bound = kind.exclusive ? `more than ${kind.min}` : `at least ${kind.min}`;
      ctx.addIssue({ code: 'custom', message: `must be ${bound}, got ${quote(v)}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A whole number of at least `min` (VUs, iterations). */
export function countField(min: number) {
  return numberField({ whole: true, min, exclusive: false });
}

/** A non-negative number, or a positive one with `positive` (rates may be fractional). */
export function amountField(options: { positive?: boolean } = {}) {
  return numberField({ whole: false, min: 0, exclusive: options.positive === true });
}

/** `true`/`false`, also written as strings. */
export function flagField() {
  return z.union([z.boolean(), z.string()]).transform((v, ctx): boolean => {
    if (typeof v === 'boolean') return v;
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === 'false') return t === 'true';
    ctx.addIssue({ code: 'custom', message: `${quote(v)} is not true or false` });
    return z.NEVER;
  });
}

/** An absolute http: or https: URL. */
export function httpUrlField() {
  return z.string().transform((v, ctx): string => {
    const problem = httpUrlProblem(v);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return v;
  });
}

/** Why `v` is not an absolute http(s) URL, or undefined when it is one. */
export function httpUrlProblem(v: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(v, base);
  } catch {
    return base === undefined && !/^[a-z][a-z0-9+.-]*:/i.test(v)
      ? `${quote(v)} is relative and the scenario has no default-address`
      : `${quote(v)} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${quote(v)} is not an http or https URL`;
  return undefined;
}

export const httpMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'] as const;

/** An HTTP method in any case, upper-cased. */
export function methodField() {
  return z.string().transform((v, ctx): string => {
    const m = v.trim().toUpperCase();
    if ((httpMethods as readonly string[]).includes(m)) return m;
    ctx.addIssue({
      code: 'custom',
      message: `${quote(v)} is not an HTTP method`,
      params: { hint: httpMethods.join(', ') },
    });
    return z.NEVER;
  });
}

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Header name → value; numbers and booleans become strings, line breaks are refused. */
export function headersField() {
  return z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).transform((h, ctx) => {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(h)) {
      const text = String(value);
      if (!headerName.test(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `${quote(name)} is not a header name`,
          path: [name],
          params: { at: 'key' },
        });
      } else if (/[\r\n\0]/.test(text)) {
        ctx.addIssue({ code: 'custom', message: 'a header value cannot hold a line break', path: [name] });
      }
      out[name] = text;
    }
    return out as Readonly<Record<string, string>>;
  });
}

/**
 * k6 thresholds: metric key → expression, long-form object, or a list of them; parsed into
 * `ThresholdSpec`s, each refusal at the key or at the entry it concerns.
 */
export function thresholdsField() {
  return z.record(z.string(), z.unknown()).transform((rec, ctx): readonly ThresholdSpec[] => {
    const specs: ThresholdSpec[] = [];
    for (const [key, list] of Object.entries(rec)) {
      const k = parseThresholdKey(key);
      if (!k.ok) {
        ctx.addIssue({ code: 'custom', message: k.message, path: [key], params: { hint: k.hint, at: 'key' } });
        continue;
      }
      const entries: readonly unknown[] = Array.isArray(list) ? list : [list];
      entries.forEach((entry, i) => {
        const r = tryParseThreshold(key, entry);
        if (r.ok) specs.push(r.value);
        else
          ctx.addIssue({
            code: 'custom',
            message: r.message,
            path: Array.isArray(list) ? [key, i] : [key],
            params: { hint: r.hint },
          });
      });
    }
    return specs;
  });
}
