/**
 * A `locust` task on the platform, as the seed runs one: the test's definition (`testScenario`,
 * Taurus-style: `concurrency`, `ramp-up`, `hold-for` per task, `executor: locust`) gives the
 * load, and the uploaded locustfile (or a zip holding it and the modules and data it reads) is
 * what each user runs. The file is written into the task's private folder (a zip unpacked
 * there, after the bundle checks), every scenario's `script` points at it, and the task's
 * `concurrency` replaces each execution's, so a region of N tasks runs N × concurrency users.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { badInput, type CompiledTest, type TaskSpec } from '@dlt/model';
import { compileDefinition, type Limits, openBundle } from '@dlt/scripts';
import { checkLocustfile } from './run-locust.ts';

/** Writes the task's locustfile (or unpacks its zip) into `dir` and compiles the task's definition against it. */
export async function compileLocustTask(
  spec: TaskSpec,
  file: { readonly name: string; readonly bytes: Uint8Array },
  dir: string,
  limits?: Partial<Limits>,
): Promise<CompiledTest> {
  const source = `task ${spec.taskId}`;
  const locustfile = await placeFiles(file, dir, source);
  const definition = locustDefinition(spec.definition, locustfile, spec.concurrency);
  const test = compileDefinition(definition, { source, env: {}, limits, baseDir: dir });
  // A locustfile that cannot load fails the task now, before the start, not once the run is on.
  for (const run of test.external ?? []) await checkLocustfile(run);
  return test;
}

/** Writes the file (a zip's files) under `dir`; returns the locustfile's path. */
async function placeFiles(file: { name: string; bytes: Uint8Array }, dir: string, source: string): Promise<string> {
  const isZip = file.bytes[0] === 0x50 && file.bytes[1] === 0x4b;
  if (!isZip) {
    const path = join(dir, /^[\w][\w.-]{0,200}\.py$/.test(file.name) ? file.name : 'locustfile.py');
    await writeFile(path, file.bytes, { mode: 0o600 });
    return path;
  }
  const bundle = await openBundle({ bytes: file.bytes, source: file.name || source });
  // Names were checked by openBundle: relative, no `..`, no links.
  for (const [name, bytes] of bundle.files) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes, { mode: 0o600 });
  }
  const py = [...bundle.files.keys()].filter((n) => n.toLowerCase().endsWith('.py'));
  const depth = (n: string) => n.split('/').length;
  const named = py.filter((n) => n.split('/').pop() === 'locustfile.py').sort((a, b) => depth(a) - depth(b));
  const top = py.filter((n) => !n.includes('/'));
  const chosen = named[0] ?? (top.length === 1 ? top[0] : undefined);
  if (chosen === undefined) {
    throw badInput(
      [{ file: bundle.source, message: 'holds no locustfile.py (nor a single .py file at its top)' }],
      source,
    );
  }
  return join(dir, chosen);
}

/**
 * The definition with every scenario's script pointing at the locustfile and the task's
 * concurrency in each Taurus or `executor: locust` item; a definition without scenarios gets one.
 */
export function locustDefinition(raw: unknown, locustfile: string, concurrency: number | undefined): unknown {
  const def = isRecord(raw) ? raw : {};
  const execution = Array.isArray(def.execution) && def.execution.length > 0 ? def.execution : [{}];
  const written = isRecord(def.scenarios) ? def.scenarios : {};
  const scenarios: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(written)) scenarios[name] = { ...(isRecord(s) ? s : {}), script: locustfile };
  if (Object.keys(scenarios).length === 0) scenarios.locust = { script: locustfile };
  const items = execution.map((item: unknown) => {
    const e = isRecord(item) ? item : {};
    const taurus = e.executor === undefined || e.executor === 'locust';
    if (!taurus) return e;
    return { ...e, executor: 'locust', ...(concurrency !== undefined ? { concurrency } : {}) };
  });
  return { ...def, execution: items, scenarios };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
