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
import { type Limits, type LoadOverrides, loadTestFile } from '@dlt/scripts';
import { compileLocustTask } from '../locust/locust-task.ts';
import { splitExecutor } from '../split.ts';

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

/** Writes `bytes` as the task's file and compiles it; throws a bad-input error naming the task. */
export async function compileScriptTask(
  spec: TaskSpec,
  file: { readonly name: string; readonly bytes: Uint8Array },
  limits?: Partial<Limits>,
): Promise<ScriptTask> {
  const source = `task ${spec.taskId}`;
  if (!isScriptTest(spec.testType)) {
    throw badInput([{ field: 'testType', message: `${spec.testType} is not a script test` }], source);
  }
  const dir = await mkdtemp(join(tmpdir(), 'dlt-task-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    // A Locust task's load is in its definition; the file is what each user runs.
    if (spec.testType === 'locust') return { test: await compileLocustTask(spec, file, dir, limits), dispose };
    const path = join(dir, fileName(spec.testType, file));
    await writeFile(path, file.bytes, { mode: 0o600 });
    const overrides = seedOverrides(spec);
    const workDir = join(dir, 'unpacked');
    const test = await loadTestFile(path, { env: {}, limits, confined: true, workDir, overrides });
    // A JMeter plan, or a load the seed body gave, is one task's load; a k6 script's own is the whole test's.
    if (spec.testType === 'jmeter' || overrides !== undefined) return { test, dispose };
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
