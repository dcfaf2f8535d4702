/** Java `SimpleDateFormat` patterns as `__time` uses them (local time), for the common letters. */

const pad = (n: number, width: number) => String(n).padStart(width, '0');

const fields: Readonly<Record<string, (d: Date, width: number) => string>> = {
  y: (d, w) => (w === 2 ? pad(d.getFullYear() % 100, 2) : pad(d.getFullYear(), w)),
  M: (d, w) => pad(d.getMonth() + 1, w),
  d: (d, w) => pad(d.getDate(), w),
  H: (d, w) => pad(d.getHours(), w),
  h: (d, w) => pad(d.getHours() % 12 || 12, w),
  m: (d, w) => pad(d.getMinutes(), w),
  s: (d, w) => pad(d.getSeconds(), w),
  S: (d, w) => pad(d.getMilliseconds(), 3).slice(0, Math.max(w, 3)),
  a: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  Z: (d) => {
    const off = -d.getTimezoneOffset();
    return `${off >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60), 2)}${pad(Math.abs(off) % 60, 2)}`;
  },
};

/** Formats `d` by `pattern`: letters above, `'quoted'` text, anything else as written. */
export function formatTime(d: Date, pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const lit = pattern.slice(i + 1, end < 0 ? undefined : end);
      out += lit === '' ? "'" : lit;
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    let j = i;
    while (pattern[j] === c) j++;
    const f = fields[c];
    out += f === undefined ? pattern.slice(i, j) : f(d, j - i);
    i = j;
  }
  return out;
}
