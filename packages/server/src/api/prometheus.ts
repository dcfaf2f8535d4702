/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: families with their
 * HELP and TYPE lines, samples with escaped labels, and a small histogram for request times.
 * It is a few lines of code against a stable, documented format, and keeps the server free of
 * a global registry.
 */

/** Labels of one sample. */
export type Labels = Readonly<Record<string, string | number>>;

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Collects families and writes them out in the order they were first named. */
export class Exposition {
  readonly #families = new Map<string, { help: string; type: MetricType; lines: string[] }>();

  /** Declares a family (so it appears even without samples) and returns a way to add samples. */
  family(name: string, type: MetricType, help: string): (value: number, labels?: Labels, suffix?: string) => void {
    let f = this.#families.get(name);
    if (!f) {
      f = { help, type, lines: [] };
      this.#families.set(name, f);
    }
    const lines = f.lines;
    return (value, labels = {}, suffix = '') =>
      lines.push(`${name}${suffix}${formatLabels(labels)} ${formatValue(value)}`);
  }

  text(): string {
    let out = '';
    for (const [name, f] of this.#families) {
      out += `# HELP ${name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${f.type}\n`;
      for (const line of f.lines) out += `${line}\n`;
    }
    return out;
  }
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Backslash, double quote and line feed are escaped in label values. */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** Upper bounds of the request-time histogram, seconds. */
const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** A cumulative histogram of durations per label set (route, method, status class). */
export class DurationHistogram {
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  /** Most label sets kept: a flood of odd URLs cannot grow it without bound. */
  readonly #limit: number;

  constructor(limit = 2_000) {
    this.#limit = limit;
  }

  observe(seconds: number, labels: Labels): void {
    const key = JSON.stringify(labels);
    let s = this.#series.get(key);
    if (!s) {
      if (this.#series.size >= this.#limit) return;
      s = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    for (let i = 0; i < buckets.length; i++) if (seconds <= buckets[i]) s.counts[i]++;
    s.sum += seconds;
    s.count++;
  }

  /** Writes the family: `name_bucket` per bound, `name_sum` and `name_count`. */
  write(into: Exposition, name: string, help: string): void {
    const add = into.family(name, 'histogram', help);
    for (const s of this.#series.values()) {
      for (let i = 0; i < buckets.length; i++) add(s.counts[i], { ...s.labels, le: buckets[i] }, '_bucket');
      add(s.count, { ...s.labels, le: '+Inf' }, '_bucket');
      add(s.sum, s.labels, '_sum');
      add(s.count, s.labels, '_count');
    }
  }
}
