/**
 * Durations as users write them (k6 and Taurus forms: `500ms`, `10s`, `1m30s`, `1.5h`, `2d`,
 * bare numbers as seconds) turned into milliseconds, and back.
 */
import { DltError, ErrorCode, formatProblem } from './errors.ts';

/** Milliseconds per unit, longest unit names first so `ms` is tried before `m`. */
const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const segment = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)/y;
const bareNumber = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

/** The outcome of reading a duration: milliseconds, or why the value is not one. */
export type DurationResult =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly message: string };

/** Shown after a refused value so the user sees the accepted forms. */
export const durationHint = 'e.g. 30s, 1m30s';

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Reads a duration without throwing; the message reads well after a field name. */
export function tryParseDuration(v: unknown): DurationResult {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { ok: false, message: `${quote(v)} is not a duration` };
    if (v < 0) return { ok: false, message: `${quote(v)} is negative; a duration is 0 or more` };
    return { ok: true, ms: v * 1_000 };
  }
  if (typeof v !== 'string') return { ok: false, message: `expected a duration, got ${typeof v}` };
  const text = v.trim();
  if (text.startsWith('-') && tryParseDuration(text.slice(1)).ok) {
    return { ok: false, message: `${quote(v)} is negative; a duration is 0 or more` };
  }
  if (bareNumber.test(text)) return { ok: true, ms: Number(text) * 1_000 };
  // Taurus writes `1m 30s` and `10 s` too: spaces between a number, its unit and the next part.
  return parseSegments(text.replace(/\s+/g, ''), v);
}

/** `1h30m15.5s`: one or more number+unit segments; a last number without unit is seconds (Taurus's `1m30`). */
function parseSegments(text: string, original: string): DurationResult {
  let ms = 0;
  segment.lastIndex = 0;
  while (segment.lastIndex < text.length) {
    const at = segment.lastIndex;
    const m = segment.exec(text);
    if (m === null) {
      const rest = text.slice(at);
      if (at > 0 && bareNumber.test(rest)) return { ok: true, ms: ms + Number(rest) * 1_000 };
      return { ok: false, message: `${quote(original)} is not a duration` };
    }
    ms += Number(m[1]) * unitMs[m[2] as keyof typeof unitMs];
  }
  if (text.length === 0) return { ok: false, message: `${quote(original)} is not a duration` };
  return { ok: true, ms };
}

/**
 * Reads a duration in milliseconds. Throws a bad-input `DltError` whose message names the value
 * and the accepted forms: `"10x" is not a duration (e.g. 30s, 1m30s)`.
 */
export function parseDuration(v: string | number): number {
  const r = tryParseDuration(v);
  if (!r.ok) {
    const problem = { message: r.message, hint: durationHint };
    throw new DltError(ErrorCode.BadInput, formatProblem(problem), { problems: [problem] });
  }
  return r.ms;
}

/** Writes milliseconds in the shortest form `parseDuration` reads back: `1m30s`, `1.5s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1_000) return `${round(ms)}ms`;
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm'] as const) {
    const n = Math.floor(rest / unitMs[unit]);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * unitMs[unit];
  }
  const seconds = round(rest / 1_000);
  if (seconds > 0) out += `${seconds}s`;
  return out;
}

/** Three decimals are enough for humans and avoid `0.30000000000000004`. */
function round(n: number): number {
  return Math.round(n * 1_000) / 1_000;
}
