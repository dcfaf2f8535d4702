/**
 * The Locust front-end. A locustfile is Python: dlt does not interpret it but describes, as
 * data (`ExternalRun`), the headless Locust process an agent starts for it: users, spawn rate
 * and run time. Two ways in, as a Taurus user expects:
 *
 * - `dlt run locustfile.py`: `-c/--vus` users (default 1) for `-d/--duration` (required:
 *   Locust runs until stopped), all spawned in the first second;
 * - a definition whose execution item says `executor: locust` or whose scenario's `script` is a
 *   `.py` file: `concurrency` users, spawned linearly over `ramp-up`, for `ramp-up + hold-for`,
 *   with the scenario's `default-address` as Locust's `--host`, and the file's thresholds.
 */
import { accessSync, constants } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { CompiledTest, ExternalRun, PathProblem, Problem, TestDefinition } from '@dlt/model';
import { badInput, checkDefinition, formatDuration, tryParseDuration } from '@dlt/model';
import { interpolate } from '../simple/interpolate.ts';
import { defaultLimits, type Limits } from '../simple/limits.ts';
import type { LoadOverrides } from '../simple/overrides.ts';

/** What the Locust front-end needs from the caller. */
export interface LocustOptions {
  readonly source: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: LoadOverrides;
  readonly limits?: Partial<Limits>;
  /** Folder that a relative `script` is resolved against (default: the working folder). */
  readonly baseDir?: string;
}

/** The compiled test, or every problem (by path in the file, or already placed). */
export type LocustResult =
  | { readonly ok: true; readonly test: CompiledTest }
  | { readonly ok: false; readonly problems: readonly (PathProblem | Problem)[] };

const defaultStopTimeoutMs = 30_000;

/** Whether a parsed definition is a Locust test: an `executor: locust` item or a `.py` script scenario. */
export function isLocustDefinition(raw: unknown): boolean {
  if (!isRecord(raw)) return false;
  const items = Array.isArray(raw.execution) ? raw.execution : [];
  if (items.some((e) => isRecord(e) && e.executor === 'locust')) return true;
  const scenarios = isRecord(raw.scenarios) ? Object.values(raw.scenarios) : [];
  return scenarios.some((s) => isRecord(s) && typeof s.script === 'string' && /\.py$/i.test(s.script));
}

/** A locustfile given on its own: users and run time come from the overrides (`-c`, `-d`). */
export function loadLocustFile(path: string, options: LocustOptions): CompiledTest {
  const file = resolve(path);
  readable(file, path);
  const o = options.overrides ?? {};
  const problems: Problem[] = [];
  if (o.iterations !== undefined)
    problems.push({ field: '--iterations', message: 'Locust runs for a time, not a number of iterations' });
  const users = o.vus ?? 1;
  if (!Number.isInteger(users) || users < 1) problems.push({ field: '--vus', message: 'must be at least 1' });
  const runTimeMs = overrideDuration(o.duration, problems);
  problems.push(...hostProblems(o.url));
  if (o.duration === undefined) {
    problems.push({
      file: path,
      message: 'a locustfile needs a run time: Locust runs until stopped',
      hint: 'pass -d 30s (and -c USERS), or run a YAML test with executor: locust and hold-for',
    });
  }
  const limits = { ...defaultLimits, ...options.limits };
  if (runTimeMs !== undefined) problems.push(...capProblems(runTimeMs, users, limits, '--duration'));
  if (problems.length > 0)
    throw badInput(problems, `${path}: ${problems.length} problem${problems.length > 1 ? 's' : ''}`);
  const run: ExternalRun = {
    tool: 'locust',
    name: 'locust',
    file,
    ...(o.url !== undefined ? { host: o.url } : {}),
    users,
    spawnRate: users,
    runTimeMs: runTimeMs ?? 0,
    startTimeMs: 0,
    stopTimeoutMs: defaultStopTimeoutMs,
    userClasses: [],
    env: stringsOf(options.env),
  };
  return { source: path, executors: [], programs: {}, thresholds: [], warnings: [], external: [run] };
}

/** Compiles a definition whose executions run a locustfile. */
export function compileLocustDefinition(raw: unknown, options: LocustOptions): LocustResult {
  const interpolated = interpolate(raw, options.env ?? {});
  const problems: (PathProblem | Problem)[] = [...interpolated.problems];
  const value = interpolated.value;
  problems.push(...executorProblems(value));
  const checked = checkDefinition(withoutToolExecutor(value));
  if (!checked.ok) return { ok: false, problems: [...problems, ...checked.problems] };
  const def = checked.value;
  const warnings: string[] = [];
  const runs: ExternalRun[] = [];
  def.execution.forEach((_, i) => {
    const run = externalRun(def, i, options, problems, warnings, rawScenario(value, def, i));
    if (run) runs.push(run);
  });
  const limits = { ...defaultLimits, ...options.limits };
  runs.forEach((r, i) => {
    for (const p of capProblems(r.startTimeMs + r.runTimeMs, r.users, limits))
      problems.push({ ...p, path: ['execution', i] });
  });
  runs.forEach((r, i) => {
    if (!canRead(r.file)) problems.push({ path: ['execution', i], message: `cannot read the locustfile ${r.file}` });
  });
  if (problems.length > 0) return { ok: false, problems };
  const test: CompiledTest = {
    source: options.source,
    executors: [],
    programs: {},
    thresholds: def.thresholds ?? [],
    warnings,
    external: runs,
  };
  return { ok: true, test };
}

/** `executor: locust` is Taurus's tool name, not a k6 executor: the definition is checked without it. */
function withoutToolExecutor(raw: unknown): unknown {
  if (!isRecord(raw) || !Array.isArray(raw.execution)) return raw;
  const execution = raw.execution.map((e: unknown) => {
    if (!isRecord(e) || e.executor !== 'locust') return e;
    const { executor: _, ...rest } = e;
    return rest;
  });
  return { ...raw, execution };
}

/** An item with a k6 executor cannot run a locustfile. */
function executorProblems(raw: unknown): PathProblem[] {
  if (!isRecord(raw) || !Array.isArray(raw.execution)) return [];
  return raw.execution.flatMap((e: unknown, i): PathProblem[] =>
    isRecord(e) && e.executor !== undefined && e.executor !== 'locust'
      ? [
          {
            path: ['execution', i, 'executor'],
            message: `a Locust test runs executor: locust, not ${JSON.stringify(e.executor)}`,
            hint: 'give concurrency, ramp-up and hold-for (the Taurus form)',
          },
        ]
      : [],
  );
}

/** Fields of a scenario that the Locust executor leaves to the locustfile. */
const ignoredScenarioFields = [
  'headers',
  'think-time',
  'timeout',
  'keepalive',
  'follow-redirects',
  'tls-verify',
  'http2',
];

/** The scenario of item `i` as written, for fields whose defaults hide whether they were given. */
function rawScenario(raw: unknown, def: TestDefinition, i: number): Record<string, unknown> {
  const name = def.execution[i].scenario ?? Object.keys(def.scenarios)[0];
  const scenarios = isRecord(raw) && isRecord(raw.scenarios) ? raw.scenarios : {};
  const s = scenarios[name];
  return isRecord(s) ? s : {};
}

function externalRun(
  def: TestDefinition,
  i: number,
  options: LocustOptions,
  problems: (PathProblem | Problem)[],
  warnings: string[],
  written: Record<string, unknown>,
): ExternalRun | undefined {
  const e = def.execution[i];
  const scenarioName = e.scenario ?? Object.keys(def.scenarios)[0];
  const scenario = def.scenarios[scenarioName];
  const at = (field: string): PathProblem['path'] => ['execution', i, field];
  const before = problems.length;
  if (scenario.script === undefined || !/\.py$/i.test(scenario.script)) {
    problems.push({
      path: ['scenarios', scenarioName, scenario.script === undefined ? 'requests' : 'script'],
      message: 'a Locust execution runs a scenario whose script is a .py locustfile',
    });
  }
  for (const f of ['iterations', 'throughput'] as const) {
    if (e[f] !== undefined)
      problems.push({ path: at(f), message: `not supported by the Locust executor`, hint: 'use hold-for' });
  }
  for (const f of ignoredScenarioFields) {
    if (f in written)
      warnings.push(`${options.source}: scenarios.${scenarioName}.${f} does not apply to a locustfile; set it there`);
  }
  const o = options.overrides ?? {};
  if (o.iterations !== undefined)
    problems.push({ field: '--iterations', message: 'Locust runs for a time, not a number of iterations' });
  problems.push(...hostProblems(o.url));
  const users = o.vus ?? e.concurrency ?? 1;
  const duration = overrideDuration(o.duration, problems);
  const rampUpMs = duration === undefined ? (e['ramp-up'] ?? 0) : 0;
  const runTimeMs = duration ?? rampUpMs + (e['hold-for'] ?? 0);
  if (runTimeMs <= 0)
    problems.push({
      path: at('hold-for'),
      message: 'a Locust execution needs hold-for or ramp-up: Locust runs until stopped',
    });
  if (problems.length > before || scenario.script === undefined) return undefined;
  const uses = def.execution.filter((x) => (x.scenario ?? scenarioName) === scenarioName).length;
  return {
    tool: 'locust',
    name: e.name ?? (uses === 1 ? scenarioName : `${scenarioName}-${i}`),
    file: isAbsolute(scenario.script) ? scenario.script : resolve(options.baseDir ?? '.', scenario.script),
    ...(o.url !== undefined || scenario['default-address'] !== undefined
      ? { host: o.url ?? scenario['default-address'] }
      : {}),
    users,
    spawnRate: rampUpMs > 0 ? users / (rampUpMs / 1000) : users,
    runTimeMs,
    startTimeMs: e['start-time'] ?? 0,
    stopTimeoutMs: e['graceful-stop'] ?? defaultStopTimeoutMs,
    userClasses: [],
    env: stringsOf(options.env),
  };
}

/** `--url` must be a web address: Locust users may type `-u 10` for users, which is `-c` here. */
function hostProblems(url: string | undefined): Problem[] {
  if (url === undefined || /^https?:\/\/[^/]/i.test(url)) return [];
  return [{ field: '--url', message: `"${url}" is not an http(s) URL`, hint: 'the users are -c/--vus' }];
}

function overrideDuration(d: string | number | undefined, problems: (PathProblem | Problem)[]): number | undefined {
  if (d === undefined) return undefined;
  const parsed = tryParseDuration(d);
  if (!parsed.ok) {
    problems.push({ field: '--duration', message: parsed.message });
    return undefined;
  }
  if (parsed.ms <= 0) problems.push({ field: '--duration', message: 'must be more than 0' });
  return parsed.ms;
}

function capProblems(endMs: number, users: number, limits: Limits, field?: string): Problem[] {
  const out: Problem[] = [];
  if (endMs > limits.maxDurationMs)
    out.push({
      field,
      message: `runs until ${formatDuration(endMs)}, past the limit of ${formatDuration(limits.maxDurationMs)} per test`,
    });
  if (users > limits.maxVus) out.push({ field, message: `${users} users, more than the limit of ${limits.maxVus}` });
  return out;
}

function readable(file: string, shown: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (e) {
    throw badInput([{ file: shown, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? e}` }]);
  }
}

function canRead(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function stringsOf(env: Readonly<Record<string, string | undefined>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The folder of a test file, which its relative `script` paths are resolved against. */
export function folderOf(file: string): string {
  return dirname(resolve(file));
}
