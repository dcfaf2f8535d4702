/**
 * Line charts as inline SVG, drawn here so a report needs no script and no network: one chart
 * per metric, a line per series over the seconds of the run, a y axis from 0 to a round
 * maximum with four grid lines, and a legend. Points are thinned to at most `maxPoints` per
 * series (the largest value of each bucket kept, so a spike stays visible).
 */
import { esc } from './report-format.ts';

export interface Series {
  readonly name: string;
  /** [seconds since the start, value] */
  readonly points: readonly (readonly [number, number])[];
}

export interface ChartOptions {
  readonly title: string;
  /** Formats a y value for the axis. */
  readonly format: (v: number) => string;
  readonly width?: number;
  readonly height?: number;
  readonly maxPoints?: number;
  /** Whole numbers only (users): grid steps of 1, 2, 5 × 10ⁿ, never a half. */
  readonly integer?: boolean;
}

export const palette = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#4b5563',
] as const;

/** The smallest "round" number (1, 2, 2.5, 5 × 10ⁿ) at or above `v`; with `integer`, a whole one (no 2.5, at least 1). */
export function niceCeil(v: number, integer = false): number {
  if (!(v > 0)) return 1;
  if (integer && v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const steps = integer && p < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  const step = steps.find((m) => m * p >= v) ?? 10;
  return step * p;
}

/** At most `max` points: the series cut into equal buckets, the largest value of each kept. */
export function thin(points: Series['points'], max: number): Series['points'] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: (readonly [number, number])[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    out.push(bucket.reduce((a, b) => (b[1] > a[1] ? b : a)));
  }
  return out;
}

const round = (v: number) => Math.round(v * 10) / 10;

/** One chart as an `<svg>` element (with a `<title>` for screen readers). */
export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const width = o.width ?? 900;
  const height = o.height ?? 220;
  const pad = { left: 64, right: 16, top: 28, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const lines = series.map((s) => ({ ...s, points: thin(s.points, o.maxPoints ?? 600) }));
  const xs = lines.flatMap((s) => s.points.map((p) => p[0]));
  const xMax = Math.max(1, ...xs);
  // A round step between the four grid lines, so every tick reads as a round number.
  const yMax = niceCeil(Math.max(0, ...lines.flatMap((s) => s.points.map((p) => p[1]))) / 4, o.integer) * 4;
  const x = (v: number) => round(pad.left + (v / xMax) * plotW);
  const y = (v: number) => round(pad.top + plotH - (v / yMax) * plotH);
  const parts: string[] = [
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(o.title)}">`,
    `<title>${esc(o.title)}</title>`,
    `<text x="${pad.left}" y="16" class="chart-title">${esc(o.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(
      `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`,
      `<text x="${pad.left - 6}" y="${y(v) + 4}" class="tick" text-anchor="end">${esc(o.format(v))}</text>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const v = (xMax * i) / 5;
    parts.push(
      `<text x="${x(v)}" y="${height - pad.bottom + 16}" class="tick" text-anchor="middle">${xMax < 10 ? v.toFixed(1) : Math.round(v)}s</text>`,
    );
  }
  lines.forEach((s, i) => {
    const colour = palette[i % palette.length];
    if (s.points.length === 0) return;
    const d = s.points.map(([px, py], j) => `${j === 0 ? 'M' : 'L'}${x(px)},${y(py)}`).join('');
    parts.push(
      `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6" class="series"><title>${esc(s.name)}</title></path>`,
    );
    const lx = pad.left + i * 140;
    parts.push(
      `<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${lx + 14}" y="${height - 5}" class="legend">${esc(s.name)}</text>`,
    );
  });
  if (lines.every((s) => s.points.length === 0)) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="tick">no data</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
