/**
 * `export const options` of a k6 script into executors and thresholds, with k6's meaning:
 * `scenarios` (camelCase keys, every executor) when given, otherwise the shortcuts —
 * `stages` → ramping-vus, `iterations` → shared-iterations, `duration` → constant-vus, and
 * nothing → one VU running one iteration. Scenario options are validated by the same schema
 * and normalised by the same code as a simple test's `execution` items.
 */
import type { ExecutorSpec, MetricType, Problem, ThresholdSpec } from '@dlt/model';
import { executionSchema, tryParseThreshold } from '@dlt/model';
import { executorSpec } from '../simple/executors.ts';

/** One scenario as the VU programs need it: which function it runs, with which `__ENV` additions. */
export interface ScenarioRun {
  readonly name: string;
  readonly exec: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface K6Options {
  readonly specs: readonly ExecutorSpec[];
  readonly scenarios: readonly ScenarioRun[];
  readonly thresholds: readonly ThresholdSpec[];
  readonly problems: readonly Problem[];
  readonly warnings: readonly string[];
}

/** k6's camelCase scenario keys → the kebab-case keys of an execution item. */
const keyMap: Readonly<Record<string, string>> = {
  executor: 'executor',
  vus: 'vus',
  duration: 'duration',
  iterations: 'iterations',
  maxDuration: 'max-duration',
  stages: 'stages',
  startVUs: 'start-vus',
  gracefulRampDown: 'graceful-ramp-down',
  rate: 'rate',
  timeUnit: 'time-unit',
  startRate: 'start-rate',
  preAllocatedVUs: 'pre-allocated-vus',
  maxVUs: 'max-vus',
  startTime: 'start-time',
  gracefulStop: 'graceful-stop',
};
const backMap = Object.fromEntries(Object.entries(keyMap).map(([k, v]) => [v, k]));

/** Top-level options dlt reads; others are accepted and ignored with a warning. */
const knownOptions = new Set([
  'vus',
  'duration',
  'iterations',
  'stages',
  'scenarios',
  'thresholds',
  'tags',
  'discardResponseBodies',
  'maxRedirects',
  'setupTimeout',
  'teardownTimeout',
  'summaryTrendStats',
  'noConnectionReuse',
  'userAgent',
  'insecureSkipTLSVerify',
]);

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the options; `file` locates the problems. */
export function readOptions(raw: unknown, file: string, custom: Readonly<Record<string, MetricType>>): K6Options {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const o: Raw = isRecord(raw) ? raw : {};
  if (raw !== undefined && !isRecord(raw)) problems.push({ file, field: 'options', message: 'must be an object' });
  for (const key of Object.keys(o)) {
    if (!knownOptions.has(key)) warnings.push(`${file}: options.${key} is not supported by dlt and is ignored`);
  }
  const scenarios = isRecord(o.scenarios) && Object.keys(o.scenarios).length > 0 ? o.scenarios : undefined;
  const runs: ScenarioRun[] = [];
  const specs: ExecutorSpec[] = [];
  if (scenarios) {
    for (const [name, s] of Object.entries(scenarios)) {
      const r = readScenario(name, s, file, problems);
      if (r) {
        specs.push(r.spec);
        runs.push(r.run);
      }
    }
  } else {
    const r = readScenario('default', shortcut(o), file, problems, 'options');
    if (r) {
      specs.push(r.spec);
      runs.push(r.run);
    }
  }
  return {
    specs,
    scenarios: runs,
    thresholds: readThresholds(o.thresholds, file, custom, problems),
    problems,
    warnings,
  };
}

/** The scenario k6 derives from the shortcut options. */
function shortcut(o: Raw): Raw {
  const vus = o.vus ?? 1;
  if (Array.isArray(o.stages) && o.stages.length > 0) {
    return { executor: 'ramping-vus', startVUs: vus, stages: o.stages };
  }
  if (o.iterations !== undefined) {
    return {
      executor: 'shared-iterations',
      vus,
      iterations: o.iterations,
      ...(o.duration ? { maxDuration: o.duration } : {}),
    };
  }
  if (o.duration !== undefined && o.duration !== 0 && o.duration !== '0s') {
    return { executor: 'constant-vus', vus, duration: o.duration };
  }
  return { executor: 'per-vu-iterations', vus, iterations: 1 };
}

function readScenario(name: string, s: unknown, file: string, problems: Problem[], fieldBase?: string) {
  const field = (key?: string) => `${fieldBase ?? `options.scenarios.${name}`}${key ? `.${key}` : ''}`;
  if (!isRecord(s)) {
    problems.push({ file, field: field(), message: 'must be an object' });
    return undefined;
  }
  const item: Raw = { name };
  let exec = 'default';
  let env: Record<string, string> = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'exec') {
      if (typeof value !== 'string' || value === '')
        problems.push({ file, field: field(key), message: 'must be the name of an exported function' });
      else exec = value;
    } else if (key === 'env') {
      if (!isRecord(value)) problems.push({ file, field: field(key), message: 'must be an object of strings' });
      else env = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
    } else if (key === 'tags' || key === 'options') {
      // Scenario tags and browser options: accepted, not used.
    } else if (Object.hasOwn(keyMap, key)) item[keyMap[key]] = value;
    else
      problems.push({
        file,
        field: field(key),
        message: `not an option of a k6 scenario`,
        hint: `options: ${Object.keys(keyMap).join(', ')}, exec, env, tags`,
      });
  }
  if (item.executor === undefined) {
    problems.push({
      file,
      field: field('executor'),
      message: 'required',
      hint: 'e.g. constant-vus, ramping-arrival-rate',
    });
    return undefined;
  }
  const parsed = executionSchema.safeParse(item);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, ...rest] = issue.path.map(String);
      const key = first === undefined ? undefined : [backMap[first] ?? first, ...rest].join('.');
      const hint = (issue as { params?: { hint?: string } }).params?.hint;
      problems.push({
        file,
        field: field(key),
        message: camelMessage(issue.message),
        ...(hint ? { hint: camelMessage(hint) } : {}),
      });
    }
    return undefined;
  }
  const spec = executorSpec(parsed.data, { name, program: name, requestsPerIteration: 1 });
  return { spec, run: { name, exec, env } };
}

/** Messages of the shared schema name options in kebab-case; a k6 user wrote camelCase. */
function camelMessage(text: string): string {
  return text.replace(/\b[a-z]+(?:-[a-z]+)+\b/g, (k) => backMap[k] ?? k);
}

function readThresholds(raw: unknown, file: string, custom: Readonly<Record<string, MetricType>>, problems: Problem[]) {
  const out: ThresholdSpec[] = [];
  if (raw === undefined) return out;
  if (!isRecord(raw)) {
    problems.push({ file, field: 'options.thresholds', message: 'must be an object of metric → list of expressions' });
    return out;
  }
  for (const [key, list] of Object.entries(raw)) {
    const entries = Array.isArray(list) ? list : [list];
    entries.forEach((entry) => {
      const r = tryParseThreshold(key, entry, custom);
      if (r.ok) out.push(r.value);
      else
        problems.push({
          file,
          field: `options.thresholds[${JSON.stringify(key)}]`,
          message: r.message,
          ...(r.hint ? { hint: r.hint } : {}),
        });
    });
  }
  return out;
}
