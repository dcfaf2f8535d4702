/**
 * A time-series chart (uPlot): x in epoch seconds, one line per series. New data is set on the
 * existing chart, so a live chart updating every second does not rebuild; it follows the width
 * of its box.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** Drawn dashed (the other run of a comparison). */
  readonly dashed?: boolean;
}

export const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/** Colours for regions, apart from the metric colours above so a region's line never looks like a metric's. */
export const regionPalette = ['#0891b2', '#db2777', '#ca8a04', '#4b5563', '#65a30d', '#7c2d12', '#0f766e', '#a21caf'];
export const regionColor = (i: number) => regionPalette[i % regionPalette.length];

interface Props {
  readonly title: string;
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly unit?: string;
  readonly height?: number;
  /** Show x as seconds from the start rather than clock time (overlaid runs). */
  readonly relative?: boolean;
  /** The values are counts of things (virtual users): whole-number ticks only. */
  readonly whole?: boolean;
}

/** 1, 2, 5, 10, 20, 50… up to 5e9: the ticks of a count. */
const wholeSteps = Array.from({ length: 30 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

/** From 0 (or below, for negatives) to a little above the top; 0 to 1 when every value is 0, not uPlot's 0 to 100. */
function yRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  const lo = Math.min(0, min ?? 0);
  const hi = max ?? 0;
  if (hi <= 0 && lo === 0) return [0, 1];
  return uPlot.rangeNum(lo, hi, 0.1, true);
}

const day = 86400;
const secondSteps = [
  1,
  2,
  5,
  10,
  15,
  30,
  60,
  120,
  300,
  600,
  900,
  1800,
  3600,
  7200,
  14400,
  43200,
  day,
  7 * day,
  30 * day,
  365 * day,
];

/** Epoch seconds as the reader's wall clock: `14:05:09`, `14:05` or `12-24` as the tick step grows. */
function clock(epochSeconds: number, step: number): string {
  const d = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  if (step >= day) return `${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  if (step >= 60) return `${two(d.getHours())}:${two(d.getMinutes())}`;
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function options(p: Props, width: number): uPlot.Options {
  return {
    width,
    height: p.height ?? 200,
    legend: { show: true },
    // Room on the right for half a clock label, so a tick at the very end is not cut.
    padding: [12, 32, 0, 0],
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: !p.relative }, y: { range: yRange } },
    axes: [
      {
        stroke: '#64748b',
        grid: { stroke: '#e2e8f0' },
        // Whole seconds only: the data has one point per second, and sub-second ticks read as noise.
        incrs: secondSteps,
        // A clock label is ~60 px wide: keep ticks far enough apart that labels never run together.
        space: p.relative ? 50 : 90,
        values: (_u, v, _axis, _space, step) => v.map((s) => (p.relative ? `${s}s` : clock(s, step))),
      },
      {
        stroke: '#64748b',
        grid: { stroke: '#e2e8f0' },
        size: 60,
        ...(p.whole ? { incrs: wholeSteps } : {}),
        values: (_u, v) => v.map((n) => `${Number(n.toPrecision(4))}${p.unit ?? ''}`),
      },
    ],
    series: [
      { label: p.relative ? 's' : 'time' },
      ...p.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.75,
        ...(s.dashed ? { dash: [6, 4] } : {}),
        points: { show: false },
      })),
    ],
  };
}

const dataOf = (p: Props): uPlot.AlignedData => [
  p.x as number[],
  ...p.series.map((s) => s.values as (number | null)[]),
];

export function TimeChart(p: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = `${p.series.map((s) => s.label).join('|')}|${p.relative}|${p.unit}|${p.whole}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the series change, not their data
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(options(p, el.clientWidth || 600), dataOf(p), el);
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: p.height ?? 200 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [shape]);
  useEffect(() => {
    chart.current?.setData(dataOf(p));
  });
  return (
    <figure className="chart">
      <figcaption>{p.title}</figcaption>
      {p.x.length < 2 && <p className="muted small chart-wait">Waiting for the first second of data…</p>}
      <div ref={box} role="img" aria-label={`${p.title} chart`} />
    </figure>
  );
}
