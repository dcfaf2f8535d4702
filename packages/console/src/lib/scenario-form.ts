/**
 * The create / edit / copy form as data: what the inputs hold (strings, as typed), how that
 * becomes the seed's `POST /api/scenarios` body, and how a stored test fills the form again.
 * Pure, so the rules are tested without a browser.
 */
import type { Scenario, ScenarioInput, TestType } from '@dlt/client';
import { type ExecutorName, executorNames, executorOptions } from '@dlt/model';
import { emptySchedule, type ScheduleForm, scheduleFields } from './schedule-form.ts';

export interface RequestRow {
  readonly label: string;
  readonly method: string;
  readonly url: string;
  /** One `Name: value` per line. */
  readonly headers: string;
  readonly body: string;
}

export interface RegionRow {
  readonly region: string;
  readonly taskCount: string;
  /** Virtual users per task. */
  readonly concurrency: string;
}

/** `taurus`: VUs from the regions table with ramp-up / hold-for; else one k6 executor with its options. */
export type LoadMode = 'taurus' | ExecutorName;
export const loadModes: readonly LoadMode[] = ['taurus', ...executorNames];

export interface LoadForm {
  readonly mode: LoadMode;
  readonly rampUp: string;
  readonly holdFor: string;
  readonly iterations: string;
  /** Requests per second for the whole test (an open model); empty for a closed one. */
  readonly throughput: string;
  /** The executor's options by k6 name; `stages` as `30s:10, 1m:10`. */
  readonly options: Readonly<Record<string, string>>;
}

export interface ScenarioForm {
  readonly testId?: string;
  readonly testName: string;
  readonly testDescription: string;
  /** Comma-separated. */
  readonly tags: string;
  readonly testType: TestType;
  readonly requests: readonly RequestRow[];
  readonly load: LoadForm;
  /** One `metric: expression` per line. */
  readonly thresholds: string;
  readonly regions: readonly RegionRow[];
  readonly showLive: boolean;
  /** When to run besides now: once, by cron, or a recurrence. */
  readonly schedule: ScheduleForm;
  /** The script already stored for the test (edit), shown beside the upload. */
  readonly scriptName?: string;
}

/** The one scenario a console-made test has. */
export const scenarioName = 'default';

export const emptyRequest: RequestRow = { label: '', method: 'GET', url: '', headers: '', body: '' };

export function emptyForm(): ScenarioForm {
  return {
    testName: '',
    testDescription: '',
    tags: '',
    testType: 'simple',
    requests: [emptyRequest],
    load: { mode: 'taurus', rampUp: '0s', holdFor: '30s', iterations: '', throughput: '', options: {} },
    thresholds: '',
    regions: [{ region: 'local', taskCount: '1', concurrency: '10' }],
    showLive: true,
    schedule: emptySchedule(),
  };
}

export const splitList = (s: string) =>
  s
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');

/** `Name: value` lines as a header map; lines without a colon are kept whole as names (the check reports them). */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const i = line.indexOf(':');
    out[(i < 0 ? line : line.slice(0, i)).trim()] = i < 0 ? '' : line.slice(i + 1).trim();
  }
  return out;
}

/** `30s:10, 1m:10` as k6 stages. */
export function parseStages(text: string): { duration: string; target: number | string }[] {
  return splitList(text).map((s) => {
    const [duration, target = ''] = s.split(':').map((p) => p.trim());
    return { duration, target: /^\d+(\.\d+)?$/.test(target) ? Number(target) : target };
  });
}

/** Thresholds as k6 writes them: metric → expressions. */
export function parseThresholds(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    // The metric may hold a colon inside braces (`http_req_duration{label:a}`); split at the last one outside.
    const m = /^(.*?(?:\{[^}]*\})?)\s*:\s*(.*)$/.exec(line.trim());
    const [metric, expr] = m ? [m[1].trim(), m[2].trim()] : [line.trim(), ''];
    out[metric] = [...(out[metric] ?? []), expr];
  }
  return out;
}

const asNumber = (s: string): number | string => (/^\s*\d+(\.\d+)?\s*$/.test(s) ? Number(s) : s.trim());

/** Total VUs of the Taurus form: tasks × users per task, summed over regions. */
export function totalVus(regions: readonly RegionRow[]): number {
  return regions.reduce((n, r) => n + (Number(r.taskCount) || 0) * (Number(r.concurrency) || 0), 0);
}

function execution(form: ScenarioForm): Record<string, unknown> {
  const l = form.load;
  if (l.mode === 'taurus') {
    const e: Record<string, unknown> = { scenario: scenarioName, concurrency: totalVus(form.regions) };
    if (l.rampUp.trim() !== '') e['ramp-up'] = l.rampUp.trim();
    if (l.holdFor.trim() !== '') e['hold-for'] = l.holdFor.trim();
    if (l.iterations.trim() !== '') e.iterations = asNumber(l.iterations);
    if (l.throughput.trim() !== '') e.throughput = asNumber(l.throughput);
    return e;
  }
  const e: Record<string, unknown> = { scenario: scenarioName, executor: l.mode };
  for (const name of executorOptions[l.mode]) {
    const v = (l.options[name] ?? '').trim();
    if (v === '') continue;
    e[name] = name === 'stages' ? parseStages(v) : asNumber(v);
  }
  return e;
}

function request(r: RequestRow): Record<string, unknown> {
  const out: Record<string, unknown> = { url: r.url.trim(), method: r.method };
  if (r.label.trim() !== '') out.label = r.label.trim();
  if (r.headers.trim() !== '') out.headers = parseHeaders(r.headers);
  if (r.body !== '') out.body = r.body;
  return out;
}

/** The `testScenario` of the form. */
export function testScenarioOf(form: ScenarioForm): Record<string, unknown> {
  const scenario =
    form.testType === 'simple'
      ? { requests: form.requests.map(request) }
      : { script: form.scriptName ?? `script.${scriptExtension(form.testType)}` };
  const out: Record<string, unknown> = { execution: [execution(form)], scenarios: { [scenarioName]: scenario } };
  if (form.thresholds.trim() !== '') out.thresholds = parseThresholds(form.thresholds);
  return out;
}

export function scriptExtension(type: TestType): string {
  switch (type) {
    case 'jmeter':
      return 'jmx';
    case 'k6':
      return 'js';
    case 'locust':
      return 'py';
    case 'simple':
      return 'yaml';
  }
}

/**
 * The body of `POST /api/scenarios` (`saveOnly` saves without running). With a schedule in the
 * form the server schedules the test rather than running it; `withSchedule: false` leaves the
 * schedule out (a script test is saved once before its file is uploaded).
 */
export function toScenarioInput(form: ScenarioForm, saveOnly: boolean, withSchedule = true): ScenarioInput {
  return {
    ...(withSchedule ? scheduleFields(form.schedule) : {}),
    ...(form.testId ? { testId: form.testId } : {}),
    testName: form.testName,
    testDescription: form.testDescription,
    testType: form.testType,
    fileType: form.testType === 'simple' ? 'none' : form.scriptName?.endsWith('.zip') ? 'zip' : 'script',
    testTaskConfigs: form.regions.map((r) => ({
      region: r.region,
      taskCount: asNumber(r.taskCount) as number,
      concurrency: asNumber(r.concurrency) as number,
    })),
    testScenario: testScenarioOf(form),
    showLive: form.showLive,
    tags: splitList(form.tags),
    saveOnly,
  };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function loadOf(e: Record<string, unknown>): LoadForm {
  const mode = (executorNames as readonly string[]).includes(text(e.executor))
    ? (e.executor as ExecutorName)
    : 'taurus';
  const options: Record<string, string> = {};
  if (mode !== 'taurus') {
    for (const name of executorOptions[mode]) {
      const v = e[name];
      if (name === 'stages' && Array.isArray(v)) {
        options[name] = v
          .map((s: { duration?: unknown; target?: unknown }) => `${text(s.duration)}:${text(s.target)}`)
          .join(', ');
      } else if (v !== undefined) options[name] = text(v);
    }
  }
  return {
    mode,
    rampUp: text(e['ramp-up']),
    holdFor: text(e['hold-for']),
    iterations: text(e.iterations),
    throughput: text(e.throughput),
    options,
  };
}

function requestRow(r: unknown): RequestRow {
  if (typeof r === 'string') return { ...emptyRequest, url: r };
  const o = (r ?? {}) as Record<string, unknown>;
  const headers = Object.entries((o.headers ?? {}) as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${text(v)}`)
    .join('\n');
  const body = typeof o.body === 'string' ? o.body : o.body === undefined ? '' : JSON.stringify(o.body);
  return { label: text(o.label), method: text(o.method || 'GET').toUpperCase(), url: text(o.url), headers, body };
}

function thresholdLines(t: unknown): string {
  const lines: string[] = [];
  for (const [metric, v] of Object.entries((t ?? {}) as Record<string, unknown>)) {
    for (const e of Array.isArray(v) ? v : [v])
      lines.push(`${metric}: ${typeof e === 'string' ? e : JSON.stringify(e)}`);
  }
  return lines.join('\n');
}

/** A stored test as the form: `edit` keeps its id, `copy` makes a new test named "… (copy)" with the same script. */
export function formFromScenario(s: Scenario, mode: 'edit' | 'copy'): ScenarioForm {
  const def = s.testScenario as Record<string, unknown>;
  const execs = Array.isArray(def.execution) ? (def.execution as Record<string, unknown>[]) : [];
  const scenarios = Object.values((def.scenarios ?? {}) as Record<string, Record<string, unknown>>);
  const requests = (scenarios[0]?.requests as unknown[] | undefined)?.map(requestRow) ?? [emptyRequest];
  const scriptName = typeof s.scriptName === 'string' ? s.scriptName : undefined;
  return {
    ...(mode === 'edit' ? { testId: s.testId } : {}),
    testName: mode === 'copy' ? `${s.testName} (copy)`.slice(0, 255) : s.testName,
    testDescription: s.testDescription,
    tags: (s.tags ?? []).join(', '),
    testType: s.testType,
    requests: requests.length > 0 ? requests : [emptyRequest],
    load: loadOf(execs[0] ?? {}),
    thresholds: thresholdLines(def.thresholds),
    regions: s.testTaskConfigs.map((c) => ({
      region: c.region,
      taskCount: String(c.taskCount),
      concurrency: String(c.concurrency),
    })),
    showLive: s.showLive ?? false,
    // A schedule the test has stays unless the form sets a new one (a body without one keeps it).
    schedule: emptySchedule(),
    // A copy takes the script along: the form uploads the original's file to the new test.
    ...(scriptName ? { scriptName } : {}),
  };
}

const formRequestKeys = new Set(['url', 'method', 'label', 'headers', 'body']);
const formLoadKeys = new Set([
  'scenario',
  'executor',
  'concurrency',
  'ramp-up',
  'hold-for',
  'iterations',
  'throughput',
]);

/**
 * What of a stored definition the form cannot show (a test written as a file may hold more):
 * saving from the form would drop these, so the form names them before anyone does.
 */
export function formLeavesOut(testScenario: Readonly<Record<string, unknown>>, testType: TestType): string[] {
  const out: string[] = [];
  const extra = Object.keys(testScenario).filter((k) => !['execution', 'scenarios', 'thresholds'].includes(k));
  if (extra.length) out.push(`top-level ${extra.join(', ')}`);
  const execution = Array.isArray(testScenario.execution) ? (testScenario.execution as Record<string, unknown>[]) : [];
  if (execution.length > 1) out.push(`${execution.length - 1} more execution item(s)`);
  const first = execution[0] ?? {};
  const executor = typeof first.executor === 'string' ? (first.executor as ExecutorName) : undefined;
  const known = new Set([...formLoadKeys, ...(executor ? (executorOptions[executor] ?? []) : [])]);
  const loadExtra = Object.keys(first).filter((k) => !known.has(k));
  if (loadExtra.length) out.push(`execution option(s) ${loadExtra.join(', ')}`);
  const scenarios = Object.entries((testScenario.scenarios ?? {}) as Record<string, Record<string, unknown>>);
  if (scenarios.length > 1) out.push(`${scenarios.length - 1} more scenario(s)`);
  const [, scenario = {}] = scenarios[0] ?? [];
  const own = testType === 'simple' ? ['requests'] : ['script'];
  const scenarioExtra = Object.keys(scenario).filter((k) => !own.includes(k));
  if (scenarioExtra.length) out.push(`scenario option(s) ${scenarioExtra.join(', ')}`);
  const requests = Array.isArray(scenario.requests) ? scenario.requests : [];
  const requestExtra = new Set(
    requests.flatMap((r) => (r && typeof r === 'object' ? Object.keys(r).filter((k) => !formRequestKeys.has(k)) : [])),
  );
  if (requestExtra.size) out.push(`request option(s) ${[...requestExtra].join(', ')}`);
  return out;
}
