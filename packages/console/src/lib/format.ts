/** How numbers, times and durations read on screen: short, with units, never `NaN`. */
import { builtinMetrics } from '@dlt/model';

const nf = (digits: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits });

/** `12,345`, `1.23`; a dash for anything that is not a number. */
export function num(v: unknown, digits = 2): string {
  return typeof v === 'number' && Number.isFinite(v) ? nf(digits).format(v) : '–';
}

/** Milliseconds as `850 µs`, `12.3 ms`, `1.25 s`. */
export function ms(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v < 1) return `${nf(0).format(v * 1000)} µs`;
  if (v < 1000) return `${nf(v < 10 ? 2 : 1).format(v)} ms`;
  return `${nf(2).format(v / 1000)} s`;
}

/** A rate per second: `1,234/s`. */
export const perSecond = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? `${num(v, v < 10 ? 2 : 0)}/s` : '–';

/** A ratio 0–1 as `99.5 %`. */
export const percent = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${num(v * 100, 2)} %` : '–');

/** Bytes as `1.2 MB`. */
export function bytes(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let n = v;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${num(n, i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A duration in ms as `1h 2m`, `3m 05s`, `42s`. */
export function duration(v: number): string {
  if (!Number.isFinite(v) || v < 0) return '–';
  const s = Math.round(v / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** An ISO time in the reader's zone: `2025-03-01 14:05:09`; a dash when absent. */
export function when(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A signed change: `+12.5 %`, `−3 ms`. */
export function signed(v: number | null | undefined, unit = ''): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  const a = Math.abs(v);
  // As many decimals as help: +1,003 %, +38.4 ms, −0.28 %.
  return `${sign}${num(a, a >= 100 ? 0 : a >= 10 ? 1 : 2)}${unit}`;
}

/**
 * A threshold's observed value in the unit of its metric: `44.2 ms` for a time, `0.5 %` for a
 * rate, `12/s` for a counter's rate, `1.2 MB` for data; the key is `metric{tags}: expression`.
 */
export function thresholdValue(key: string, actual: unknown): string {
  const colon = key.indexOf(':');
  const metric = (colon < 0 ? key : key.slice(0, colon)).replace(/\{.*$/, '').trim();
  const expr = colon < 0 ? '' : key.slice(colon + 1).trim();
  const type = (builtinMetrics as Record<string, string>)[metric];
  if (type === 'trend') return ms(actual);
  if (type === 'rate') return percent(actual);
  if (type === 'counter' && expr.startsWith('rate')) return perSecond(actual);
  if (metric === 'data_received' || metric === 'data_sent') return bytes(actual);
  return num(actual, type === 'counter' ? 0 : 3);
}

/** The name a reader knows a test type by. */
export function typeName(testType: unknown): string {
  const names: Record<string, string> = { simple: 'Simple HTTP', jmeter: 'JMeter', k6: 'k6', locust: 'Locust' };
  return typeof testType === 'string' ? (names[testType] ?? testType) : '–';
}

/** `1 run`, `3 runs`, with the count's thousands separated. */
export const plural = (n: number, one: string, many = `${one}s`) => `${num(n, 0)} ${n === 1 ? one : many}`;

/**
 * An ISO time relative to `now`: `just now`, `5 min ago`, `3 h ago`, `in 20 min`, `in 2 d`; past a
 * week the date itself (`when`). Lists use it with the exact time as the hover title.
 */
export function relative(iso: unknown, now = Date.now()): string {
  if (typeof iso !== 'string' || iso === '') return '–';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '–';
  const s = Math.round((t - now) / 1000);
  const a = Math.abs(s);
  if (a < 45) return s <= 0 ? 'just now' : 'in a moment';
  const [n, unit] =
    a < 3600 ? [Math.round(a / 60), 'min'] : a < 86400 ? [Math.round(a / 3600), 'h'] : [Math.round(a / 86400), 'd'];
  if (unit === 'd' && n > 7) return when(iso);
  return s < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}
