/**
 * Validation of the test form as the user types: the API's own field rules (names, tags, task
 * configs), the regions this server has, and the test definition checked by the model's
 * `checkDefinition` (the very rules the server applies). Every problem, local or sent back by
 * the server, is keyed by the form field it belongs beside.
 */
import type { Region } from '@dlt/client';
import { checkDefinition, fieldPath, requiredExecutorOptions } from '@dlt/model';
import { type ScenarioForm, scenarioName, splitList, testScenarioOf } from './scenario-form.ts';
import { scheduleProblems } from './schedule-form.ts';

/** Form field key → the message shown beside it; `form` holds what belongs to no field. */
export type FieldErrors = Readonly<Record<string, string>>;

/** A problem as the API lists it. */
export interface ApiProblem {
  readonly field?: string;
  readonly message: string;
  readonly hint?: string;
}

const scenarioPath = /^testScenario\.scenarios(?:\.[A-Za-z_][\w-]*|\["[^"]*"\])\.requests\[(\d+)\](?:\.(\w[\w-]*))?/;

/** The form field an API or definition field path belongs to. */
export function formFieldOf(apiField: string | undefined): string {
  if (!apiField) return 'form';
  const direct: Record<string, string> = {
    testName: 'testName',
    testDescription: 'testDescription',
    testType: 'testType',
    fileType: 'file',
    file: 'file',
    name: 'file',
    testTaskConfigs: 'regions',
    scheduleDate: 'schedule.date',
    scheduleTime: 'schedule.time',
    recurrence: 'schedule.recurrence',
    cronValue: 'schedule.cron',
    cronExpiryDate: 'schedule.expiry',
    scheduleTimezone: 'schedule.timezone',
    scheduleStep: 'schedule',
    scheduleMissed: 'schedule',
  };
  const head = apiField.split(/[.[]/)[0];
  if (head === 'tags') return 'tags';
  if (apiField in direct) return direct[apiField];
  const region = /^testTaskConfigs\[(\d+)\]\.(region|taskCount|concurrency)/.exec(apiField);
  if (region) return `regions.${region[1]}.${region[2]}`;
  const req = scenarioPath.exec(apiField);
  if (req)
    return req[2] && ['url', 'method', 'label', 'headers', 'body'].includes(req[2])
      ? `requests.${req[1]}.${req[2]}`
      : `requests.${req[1]}.url`;
  if (apiField.startsWith('testScenario.thresholds')) return 'thresholds';
  const exec = /^testScenario\.execution(?:\[\d+\])?(?:\.([\w-]+))?/.exec(apiField);
  if (exec) {
    const taurus: Record<string, string> = {
      'ramp-up': 'load.rampUp',
      'hold-for': 'load.holdFor',
      iterations: 'load.iterations',
      throughput: 'load.throughput',
      concurrency: 'regions',
    };
    const key = exec[1];
    if (key === undefined) return 'load';
    return taurus[key] ?? (key === 'executor' ? 'load.mode' : `load.options.${key}`);
  }
  if (apiField.startsWith('testScenario')) return 'load';
  return 'form';
}

/** Problems keyed by form field; the first problem of a field wins. */
export function fieldErrors(problems: readonly ApiProblem[]): FieldErrors {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const key = formFieldOf(p.field);
    const text = p.hint ? `${p.message} (${p.hint})` : p.message;
    if (!(key in out)) out[key] = key === 'form' && p.field ? `${p.field}: ${text}` : text;
  }
  return out;
}

// Control characters and the Unicode line/paragraph separators, which the API refuses in names.
const hasControl = (s: string) =>
  [...s].some((ch) => {
    const c = ch.codePointAt(0) ?? 0;
    return c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;
  });

function nameProblems(form: ScenarioForm): ApiProblem[] {
  const out: ApiProblem[] = [];
  const name = form.testName;
  if (name.trim().length < 3) out.push({ field: 'testName', message: 'at least 3 characters' });
  else if (name.length > 255) out.push({ field: 'testName', message: 'at most 255 characters' });
  else if (name.trim() !== name) out.push({ field: 'testName', message: 'must not start or end with white space' });
  else if (hasControl(name)) out.push({ field: 'testName', message: 'must not contain control characters' });
  if (form.testDescription.trim().length < 3) out.push({ field: 'testDescription', message: 'at least 3 characters' });
  const tags = splitList(form.tags);
  if (tags.length > 5) out.push({ field: 'tags', message: 'at most 5 tags' });
  const bad = tags.find((t) => !/^[a-z0-9-]{1,50}$/.test(t.toLowerCase().replace(/\s+/g, '-')));
  if (bad !== undefined) out.push({ field: 'tags', message: `"${bad}": tags are 1–50 letters, digits or -` });
  return out;
}

function whole(v: string, min: number, max: number): string | undefined {
  if (!/^\d+$/.test(v.trim())) return 'a whole number';
  const n = Number(v);
  return n < min ? `at least ${min}` : n > max ? `at most ${max}` : undefined;
}

function regionProblems(form: ScenarioForm, regions: readonly Region[] | undefined): ApiProblem[] {
  const out: ApiProblem[] = [];
  if (form.regions.length === 0) out.push({ field: 'testTaskConfigs', message: 'add at least one region' });
  const seen = new Set<string>();
  form.regions.forEach((r, i) => {
    const f = `testTaskConfigs[${i}]`;
    const known = regions?.find((x) => x.region === r.region);
    if (r.region === '') out.push({ field: `${f}.region`, message: 'choose a region' });
    else if (seen.has(r.region)) out.push({ field: `${f}.region`, message: 'this region is already in the list' });
    else if (regions && !known) out.push({ field: `${f}.region`, message: `no agents serve region ${r.region}` });
    seen.add(r.region);
    const max = typeof known?.maxTasks === 'number' ? known.maxTasks : 1000;
    const tasks = whole(r.taskCount, 1, max);
    if (tasks) out.push({ field: `${f}.taskCount`, message: tasks });
    const users = whole(r.concurrency, 1, 25000);
    if (users) out.push({ field: `${f}.concurrency`, message: users });
  });
  return out;
}

function loadProblems(form: ScenarioForm): ApiProblem[] {
  const l = form.load;
  if (l.mode === 'taurus') return [];
  return requiredExecutorOptions[l.mode]
    .filter((o) => (l.options[o] ?? '').trim() === '')
    .map((o) => ({ field: `testScenario.execution[0].${o}`, message: `${l.mode} needs ${o}` }));
}

function definitionProblems(form: ScenarioForm): ApiProblem[] {
  const out: ApiProblem[] = [];
  if (form.testType === 'simple') {
    form.requests.forEach((r, i) => {
      if (r.url.trim() === '')
        out.push({ field: `testScenario.scenarios.${scenarioName}.requests[${i}].url`, message: 'required' });
    });
  }
  const check = checkDefinition(testScenarioOf(form));
  if (!check.ok) {
    for (const p of check.problems) {
      // A script test's definition only carries its load; its requests live in the script.
      if (form.testType !== 'simple' && p.path[0] === 'scenarios') continue;
      out.push({ field: fieldPath(['testScenario', ...p.path]), message: p.message, hint: p.hint });
    }
  }
  return out;
}

/** Every problem of the form; `regions` are the server's (undefined while they load). */
export function validateForm(form: ScenarioForm, regions?: readonly Region[]): FieldErrors {
  return fieldErrors([
    ...nameProblems(form),
    ...regionProblems(form, regions),
    ...loadProblems(form),
    ...definitionProblems(form),
    ...scheduleProblems(form.schedule),
  ]);
}

/** The upload's problems before any byte is sent: its type and size. */
export function fileProblem(
  form: ScenarioForm,
  file: { name: string; size: number } | undefined,
  maxBytes = 50 * 1024 * 1024,
): string | undefined {
  if (form.testType === 'simple') return undefined;
  if (!file) return form.scriptName ? undefined : 'choose the script or a zip';
  const wanted: Record<string, readonly string[]> = { jmeter: ['.jmx'], k6: ['.js', '.ts'], locust: ['.py'] };
  const ok = [...(wanted[form.testType] ?? []), '.zip'];
  if (!ok.some((ext) => file.name.toLowerCase().endsWith(ext))) return `a ${form.testType} test takes ${ok.join(', ')}`;
  if (file.size === 0) return 'the file is empty';
  if (file.size > maxBytes) return `larger than ${Math.round(maxBytes / 1024 / 1024)} MB`;
  return undefined;
}
