/**
 * Samples made to order, for the metrics tests and the record benchmark: one call states the
 * times that matter (response, first byte, connect) and the rest gets plain defaults.
 */
import type { ErrorKind, Sample } from '@dlt/model';

export interface FakeSample {
  readonly label?: string;
  readonly scenario?: string;
  readonly method?: string;
  readonly status?: number;
  readonly error?: ErrorKind | null;
  /** Intended start on the monotonic clock, ms. */
  readonly at?: number;
  /** How late the request really started after its intended time, ms. */
  readonly lateMs?: number;
  /** End − intended start, ms. */
  readonly responseMs: number;
  /** First byte − intended start, ms (default: the whole response time). */
  readonly latencyMs?: number;
  /** DNS, connect and TLS in ms when the request opened a connection. */
  readonly connect?: { readonly dns: number; readonly connect: number; readonly tls: number };
  readonly bytesSent?: number;
  readonly bytesReceived?: number;
}

/** A full `Sample` from the few fields a test cares about. */
export function fakeSample(f: FakeSample): Sample {
  const at = f.at ?? 0;
  const c = f.connect ?? { dns: 0, connect: 0, tls: 0 };
  return {
    label: f.label ?? 'GET /',
    scenario: f.scenario ?? 'default',
    method: f.method ?? 'GET',
    status: f.status ?? (f.error ? 0 : 200),
    error: f.error ?? null,
    intendedAt: at,
    startedAt: at + (f.lateMs ?? 0),
    firstByteAt: at + (f.latencyMs ?? f.responseMs),
    endedAt: at + f.responseMs,
    timings: { blocked: 0, ...c, send: 0, wait: f.latencyMs ?? f.responseMs, receive: 0 },
    bytesSent: f.bytesSent ?? 100,
    bytesReceived: f.bytesReceived ?? 1000,
  };
}

/** A deterministic pseudo-random stream in [0, 1), so test data is the same on every run. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}
