/**
 * A task of a script test (`jmeter`, `k6`): the script or zip the server stored is written to a
 * private temporary folder and compiled there exactly as `dlt run FILE` compiles it. A JMeter
 * plan describes the load of one engine, so every task runs it whole (as JMeter's remote engines
 * do); a k6 script describes the whole test, so its executors are split across the run's tasks.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { badInput, type CompiledTest, type ExecutorSpec, type TaskSpec, tryParseDuration } from '@dlt/model';
import { type Limits, type LoadOptions, type LoadOverrides, loadTestFile } from '@dlt/scripts';
import { compileLocustTask } from '../locust/locust-task.ts';
import { splitExecutor } from '../split.ts';
import { IsolatedShare } from './isolated-share.ts';

/** Test types whose file an agent fetches and compiles, with the file names each accepts. */
export const scriptTestTypes = {
  jmeter: ['.jmx', '.zip'],
  k6: ['.js', '.mjs', '.ts', '.mts', '.zip'],
  locust: ['.py', '.zip'],
} as const;

/** Whether `testType` is run from a fetched script or zip. */
export const isScriptTest = (testType: string): testType is keyof typeof scriptTestTypes =>
  Object.hasOwn(scriptTestTypes, testType);

/** A compiled script task and the removal of its folder once the task is over. */
export interface ScriptTask {
  readonly test: CompiledTest;
  readonly dispose: () => Promise<void>;
}

/** Writes `bytes` as the task's file and compiles it here; throws a bad-input error naming the task. */
export async function compileScriptTask(
  spec: TaskSpec,
  file: { readonly name: string; readonly bytes: Uint8Array },
  limits?: Partial<Limits>,
): Promise<ScriptTask> {
  const { dir, dispose } = await taskFolder(spec);
  try {
    // A Locust task's load is in its definition; the file is what each user runs.
    if (spec.testType === 'locust') return { test: await compileLocustTask(spec, file, dir, limits), dispose };
    const { source, whole } = await scriptSource(spec, file, dir, limits);
    const test = await loadTestFile(source.path, source.load);
    if (whole) return { test, dispose };
    const executors = test.executors.flatMap((e): ExecutorSpec[] => {
      const part = splitExecutor(e, spec.share.index, spec.share.count);
      return part === null ? [] : [part];
    });
    return { test: { ...test, executors }, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** A JMeter or k6 task compiled on a worker thread of its own (see isolated-share.ts). */
export interface IsolatedScriptTask {
  readonly share: IsolatedShare;
  readonly dispose: () => Promise<void>;
}

/** Whether a test type runs on an isolated worker (scripts executed in this process). */
export const runsIsolated = (testType: string) => testType === 'jmeter' || testType === 'k6';

/** Writes the task's file and compiles it on a worker with a capped heap; resolves when its VUs are made. */
export async function prepareScriptTask(
  spec: TaskSpec,
  file: { readonly name: string; readonly bytes: Uint8Array },
  limits?: Partial<Limits>,
): Promise<IsolatedScriptTask> {
  const { dir, dispose } = await taskFolder(spec);
  try {
    const { source, whole } = await scriptSource(spec, file, dir, limits);
    const share = whole ? { index: 0, count: 1 } : spec.share;
    return { share: await IsolatedShare.prepare({ kind: 'file', ...source }, share), dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

async function taskFolder(spec: TaskSpec): Promise<{ dir: string; dispose: () => Promise<void> }> {
  if (!isScriptTest(spec.testType)) {
    throw badInput([{ field: 'testType', message: `${spec.testType} is not a script test` }], `task ${spec.taskId}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'dlt-task-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The file written in the task folder and how to load it. `whole`: every task runs it all (a
 * JMeter plan, or a load the seed body gave); else a k6 script's executors are split by share.
 */
async function scriptSource(
  spec: TaskSpec,
  file: { readonly name: string; readonly bytes: Uint8Array },
  dir: string,
  limits: Partial<Limits> | undefined,
): Promise<{ source: { path: string; load: LoadOptions }; whole: boolean }> {
  const testType = spec.testType as keyof typeof scriptTestTypes;
  const path = join(dir, fileName(testType, file));
  await writeFile(path, file.bytes, { mode: 0o600 });
  const overrides = seedOverrides(spec);
  // The execution's `env` is the script's __ENV (k6) and its properties (${__P(name)} in a plan).
  const env = executionEnv(spec.definition);
  const load: LoadOptions = {
    env,
    properties: env,
    limits,
    confined: true,
    workDir: join(dir, 'unpacked'),
    overrides,
  };
  return { source: { path, load }, whole: spec.testType === 'jmeter' || overrides !== undefined };
}

/** The first execution item's `env` (names to strings; at most 200 of them), or none. */
export function executionEnv(definition: unknown): Record<string, string> {
  const execution = (definition as { execution?: unknown } | undefined)?.execution;
  const env = Array.isArray(execution) ? (execution[0] as { env?: unknown } | undefined)?.env : undefined;
  if (env === null || typeof env !== 'object' || Array.isArray(env)) return {};
  const entries = Object.entries(env as Record<string, unknown>)
    .filter((e): e is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof e[1]))
    .slice(0, 200);
  return Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
}

/**
 * The load a seed body's execution gives a script test, as the seed's Taurus applied it to JMeter
 * and k6 runs: when the first execution item has `hold-for` (plus `ramp-up`) or `iterations`, each
 * task runs the script with `concurrency` users (the item's, else the task's) for that long or
 * that many iterations, with k6's meaning of `--vus`, `--duration` and `--iterations`. An item
 * without them leaves the script's own load.
 */
export function seedOverrides(spec: TaskSpec): LoadOverrides | undefined {
  const execution = (spec.definition as { execution?: unknown } | undefined)?.execution;
  const item = Array.isArray(execution) ? (execution[0] as Record<string, unknown> | undefined) : undefined;
  if (item === undefined || item === null || typeof item !== 'object') return undefined;
  const ms = (v: unknown) => {
    const d = v === undefined ? undefined : tryParseDuration(v);
    return d?.ok ? d.ms : 0;
  };
  const durationMs = ms(item['ramp-up']) + ms(item['hold-for']);
  const iterations =
    Number.isInteger(item.iterations) && (item.iterations as number) > 0 ? (item.iterations as number) : undefined;
  if (durationMs <= 0 && iterations === undefined) return undefined;
  const own =
    Number.isInteger(item.concurrency) && (item.concurrency as number) > 0 ? (item.concurrency as number) : undefined;
  const vus = own ?? spec.concurrency;
  return {
    ...(vus !== undefined ? { vus } : {}),
    ...(durationMs > 0 ? { duration: `${durationMs}ms` } : {}),
    ...(iterations !== undefined ? { iterations } : {}),
  };
}

/** A safe local name for the file: its own when plain, else one by its content and test type. */
function fileName(testType: keyof typeof scriptTestTypes, file: { name: string; bytes: Uint8Array }): string {
  // A zip is a zip whatever it is called; the front-end finds the plan or script inside.
  const isZip = file.bytes[0] === 0x50 && file.bytes[1] === 0x4b;
  const wanted: readonly string[] = scriptTestTypes[testType];
  const own = /^[\w][\w .-]{0,200}$/.test(file.name) ? file.name : '';
  const ext = extname(own).toLowerCase();
  if (isZip) return ext === '.zip' ? own : 'bundle.zip';
  if (own !== '' && wanted.includes(ext) && ext !== '.zip') return own;
  return testType === 'jmeter' ? 'plan.jmx' : testType === 'locust' ? 'locustfile.py' : 'script.js';
}
