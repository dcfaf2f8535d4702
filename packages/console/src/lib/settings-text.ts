/**
 * A test's settings as a reader says them, from its stored Taurus document and task configs: the
 * load (`ramp up 5s, hold for 40s, 40 req/s per task`), the regions (`local: 1 task × 10 users`)
 * and the requests of a simple test (`GET https://…`). The test page and a run's results use them.
 */
import { plural } from './format.ts';

/** One setting of the load model: `hold for 40s`, `40 req/s per task`. */
function loadPart(key: string, v: unknown): string {
  const value = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (key === 'throughput') return `${value} req/s per task`;
  return `${key.replace(/-/g, ' ')} ${value}`;
}

const executionOf = (doc: unknown) =>
  (((doc ?? {}) as { execution?: unknown }).execution ?? []) as Record<string, unknown>[];

/** The load model of every execution item; a Taurus item's concurrency is replaced by each task's, so it is left out. */
export function loadText(doc: unknown): string {
  const exec = Array.isArray(executionOf(doc)) ? executionOf(doc) : [];
  return exec
    .map((e) =>
      Object.entries(e)
        .filter(([k]) => k !== 'scenario' && !(k === 'concurrency' && e.executor === undefined))
        // No ramp-up says nothing worth reading.
        .filter(([k, v]) => !(k === 'ramp-up' && (v === 0 || v === '0' || v === '0s')))
        .map(([k, v]) => loadPart(k, v))
        .join(', '),
    )
    .join(' · ');
}

interface TaskConfig {
  readonly region: string;
  readonly taskCount: number;
  readonly concurrency: number;
}

/** `local: 1 task × 10 users · remote: 2 tasks × 5 users`. */
export function regionsText(configs: unknown): string {
  return (Array.isArray(configs) ? (configs as TaskConfig[]) : [])
    .map((c) => `${c.region}: ${plural(c.taskCount, 'task')} × ${plural(c.concurrency, 'user')}`)
    .join(' · ');
}

/** The requests of a simple test, `GET https://…`, from every scenario of its Taurus document. */
export function requestsText(doc: unknown): string[] {
  const scenarios = (((doc ?? {}) as { scenarios?: unknown }).scenarios ?? {}) as Record<string, unknown>;
  return Object.values(scenarios).flatMap((sc) => {
    const reqs = (sc as { requests?: unknown })?.requests;
    return (Array.isArray(reqs) ? reqs : []).map((r) =>
      typeof r === 'string' ? `GET ${r}` : `${String(r?.method ?? 'GET')} ${String(r?.url ?? '')}`,
    );
  });
}
