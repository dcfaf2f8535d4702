/** A small trend line of the last runs (oldest left), drawn as SVG; nothing for fewer than two points. */

export function Sparkline({
  values,
  label,
  width = 90,
  height = 22,
}: {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length < 2) return <span className="muted">–</span>;
  const min = Math.min(...v);
  const max = Math.max(...v);
  const span = max - min || 1;
  const pts = v.map(
    (x, i) =>
      `${((i / (v.length - 1)) * (width - 2) + 1).toFixed(1)},${(height - 1 - ((x - min) / span) * (height - 2)).toFixed(1)}`,
  );
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <polyline points={pts.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
