/** CSV as spreadsheets read it (RFC 4180): fields quoted when they hold a comma, quote or line break. */

function field(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  // A leading = + - @ would be read as a formula by spreadsheets; a quote mark in front keeps it text.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows (the first one the header) as CSV text with CRLF line ends. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `${rows.map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
