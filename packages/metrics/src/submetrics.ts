/**
 * Sub-metrics of the HTTP metrics, as in k6: a selector is a set of tag filters over the tags
 * every request sample has (`label`/`name`, `scenario`, `method`, `status`, `expected_response`).
 * Only the selectors the test's thresholds name are tracked, each as one more label-like series
 * of the matching requests, so memory grows with the thresholds, never with the tags' values.
 */
import type { Sample, ThresholdSpec } from '@dlt/model';

type Tags = Readonly<Record<string, string>>;

/** Metrics read from request samples, whose tag filters a sub-metric can serve. */
const httpMetrics: ReadonlySet<string> = new Set([
  'http_req_duration',
  'http_req_waiting',
  'http_req_connecting',
  'http_req_failed',
  'http_reqs',
  'data_received',
  'data_sent',
]);

/** The tags a selector may filter on. */
export const submetricTags = ['label', 'name', 'scenario', 'method', 'status', 'expected_response'] as const;

/**
 * True when `metric{tags}` is read from a sub-metric series. A label alone is read from the
 * label's own series, and `http_reqs{status}` from the label's status counts, as before.
 */
export function needsSubmetric(metric: string, tags: Tags): boolean {
  if (!httpMetrics.has(metric)) return false;
  for (const t of Object.keys(tags)) {
    if (t === 'label' || t === 'name') continue;
    if (t === 'status' && metric === 'http_reqs') continue;
    return true;
  }
  return false;
}

/** The canonical form of a selector, its key in a result: tags sorted, `name` read as `label`. */
export function selectorKey(tags: Tags): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k === 'name' ? 'label' : k}:${v}`)
    .sort()
    .join(',');
}

/** The distinct selectors `thresholds` need series for; give them to every `Recorder` of the test. */
export function submetricSelectors(thresholds: readonly ThresholdSpec[]): Tags[] {
  const byKey = new Map<string, Tags>();
  for (const t of thresholds) {
    if (!needsSubmetric(t.metric, t.tags)) continue;
    if (Object.keys(t.tags).some((tag) => !(submetricTags as readonly string[]).includes(tag))) continue;
    byKey.set(selectorKey(t.tags), t.tags);
  }
  return [...byKey.values()];
}

/** Whether a request (and its failure verdict) matches a selector. */
export type SampleMatcher = (s: Sample, failed: boolean) => boolean;

/** A matcher for `tags`; a tag it does not know, or a status that is no number, matches nothing. */
export function sampleMatcher(tags: Tags): SampleMatcher {
  const label = tags.label ?? tags.name;
  const { scenario, method } = tags;
  const status = tags.status === undefined ? undefined : /^\d+$/.test(tags.status) ? Number(tags.status) : -1;
  const expected = tags.expected_response === undefined ? undefined : tags.expected_response === 'true';
  if (Object.keys(tags).some((t) => !(submetricTags as readonly string[]).includes(t))) return () => false;
  return (s, failed) =>
    (label === undefined || s.label === label) &&
    (scenario === undefined || s.scenario === scenario) &&
    (method === undefined || s.method === method) &&
    (status === undefined || s.status === status) &&
    (expected === undefined || expected === !failed);
}
