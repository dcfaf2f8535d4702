/**
 * A micro-benchmark of the engine's hot-path cost in metrics: `Recorder.record` per second of
 * one core, with a few labels and statuses, ticking once per simulated second as a run would.
 * Not a test: it prints numbers. Run: node packages/metrics/bench-record.ts [millions]
 */

import { Recorder } from '@dlt/metrics';
import type { ErrorKind, Sample } from '@dlt/model';

const total = Math.round(Number(process.argv[2] ?? 5) * 1_000_000);
const labels = ['home', 'login', 'search', 'cart', 'checkout'];

/** A pool of varied samples, made before timing so the loop measures recording only. */
function samples(n: number): Sample[] {
  const out: Sample[] = [];
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const ms = 1 + (x / 2 ** 31) ** 2 * 200;
    const connect = i % 50 === 0 ? 0.3 : 0;
    const error: ErrorKind | null = i % 500 === 0 ? 'timeout' : null;
    out.push({
      label: labels[i % labels.length],
      scenario: 'default',
      method: 'GET',
      status: error ? 0 : i % 100 === 0 ? 503 : 200,
      error,
      intendedAt: i,
      startedAt: i,
      firstByteAt: i + ms * 0.8,
      endedAt: i + ms,
      timings: { blocked: 0, dns: 0, connect, tls: 0, send: 0.01, wait: ms * 0.8, receive: ms * 0.2 },
      bytesSent: 120,
      bytesReceived: 2048,
    });
  }
  return out;
}

function run(pool: readonly Sample[], n: number): { perSecond: number; ticks: number } {
  let clock = 0;
  const recorder = new Recorder({ clock: () => clock });
  const perTick = 150_000;
  let ticks = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    recorder.record(pool[i & (pool.length - 1)]);
    if (i % perTick === perTick - 1) {
      clock += 1000;
      recorder.tick();
      ticks++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  recorder.result();
  return { perSecond: n / seconds, ticks };
}

const pool = samples(1 << 16);
run(pool, 1_000_000); // warm-up
const { perSecond, ticks } = run(pool, total);
const ns = 1e9 / perSecond;
console.log(
  `Recorder.record: ${Math.round(perSecond).toLocaleString('en')} samples/s (${ns.toFixed(0)} ns each, ${ticks} ticks included)`,
);
