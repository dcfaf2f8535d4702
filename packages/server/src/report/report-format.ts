/** Small formatters of the report: HTML escaping, and numbers people read. */

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Milliseconds with 3 significant figures and a unit: 850µs, 12.3ms, 1.25s. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  if (v < 0) return `-${ms(-v)}`;
  if (v < 1) return `${Math.round(v * 1000)}µs`;
  if (v < 10) return `${v.toFixed(2)}ms`;
  if (v < 1000) return `${v.toFixed(1)}ms`;
  return `${(v / 1000).toFixed(2)}s`;
}

/** A count with thousands separators. */
export function count(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** A rate per second: one decimal under 100. */
export function rate(v: number): string {
  return v < 100 ? v.toFixed(1) : count(v);
}

/** A fraction as a percentage with two decimals. */
export function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}

/** Bytes in binary units. */
export function bytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** Milliseconds as 1m05s. */
export function duration(v: number): string {
  const s = Math.round(v / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`
    : m > 0
      ? `${m}m${String(sec).padStart(2, '0')}s`
      : `${sec}s`;
}
