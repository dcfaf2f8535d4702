/**
 * The live progress line, once a second: elapsed / total, VUs, req/s, p95 and errors. On a
 * terminal it rewrites itself in place; otherwise (CI logs) it prints one line per second.
 */
import { formatClock, formatCount, formatMs, formatRate, type Painter } from './format.ts';

/** What one second of a run looks like to a person. */
export interface LiveView {
  readonly elapsedMs: number;
  /** Planned total, when known. */
  readonly totalMs?: number;
  readonly vus: number;
  readonly rps: number;
  readonly p95Ms: number;
  readonly requests: number;
  readonly failures: number;
  /** Failures in the last second. */
  readonly failuresLastSecond: number;
}

export function renderLive(v: LiveView, paint: Painter): string {
  const total = v.totalMs === undefined ? '' : `/${formatClock(v.totalMs)}`;
  const pct = v.requests > 0 ? (100 * v.failures) / v.requests : 0;
  const errors = `errors ${formatCount(v.failures)} (${pct.toFixed(2)}%)`;
  return [
    `[${formatClock(v.elapsedMs).padStart(6)}${total}]`,
    `vus ${String(v.vus).padStart(4)}`,
    `req/s ${formatRate(v.rps).padStart(8)}`,
    `p95 ${formatMs(v.p95Ms).padStart(8)}`,
    `total ${formatCount(v.requests).padStart(9)}`,
    v.failuresLastSecond > 0 ? paint.red(errors) : errors,
  ].join('  ');
}

/** Writes live lines to a stream: in place on a TTY, appended otherwise. */
export class LiveLine {
  readonly #out: NodeJS.WriteStream;
  readonly #paint: Painter;
  #shown = false;

  constructor(out: NodeJS.WriteStream, paint: Painter) {
    this.#out = out;
    this.#paint = paint;
  }

  update(v: LiveView): void {
    const text = renderLive(v, this.#paint);
    if (this.#out.isTTY) {
      this.#out.write(`\r\x1b[2K${text}`);
      this.#shown = true;
    } else {
      this.#out.write(`${text}\n`);
    }
  }

  /** Ends the in-place line so what follows starts on a fresh line. */
  done(): void {
    if (this.#shown) this.#out.write('\n');
    this.#shown = false;
  }
}
