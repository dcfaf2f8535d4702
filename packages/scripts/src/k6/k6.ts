/**
 * The k6 front-end: `dlt run script.js` runs a k6 script unchanged. The script and its local
 * modules are checked and rewritten once (see script-bundle.ts), its init code runs once here
 * to read `options`, and each VU then runs its own instance in a sandbox with no Node API.
 */

import { dirname } from 'node:path';
import type { CompiledTest, Problem, VuProgram } from '@dlt/model';
import { badInput, tryParseDuration } from '@dlt/model';
import type { Limits } from '../simple/limits.ts';
import { checkLimits, defaultLimits } from '../simple/limits.ts';
import type { LoadOverrides } from '../simple/overrides.ts';
import { applyOverrides } from '../simple/overrides.ts';
import { FileReader } from './files.ts';
import { readOptions } from './k6-options.ts';
import { k6Lifecycle, k6Program } from './k6-program.ts';
import { errorText, K6Script } from './k6-script.ts';
import { K6Vu } from './k6-vu.ts';
import { MetricRegistry } from './metric-registry.ts';
import { Sandbox } from './sandbox.ts';
import { buildBundle } from './script-bundle.ts';

/** What loading a k6 script needs from the caller. */
export interface K6LoadOptions {
  /** `__ENV`: the caller decides what goes in (the CLI passes the environment and `-e` values). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: LoadOverrides;
  readonly limits?: Partial<Limits>;
  /** Where `console.log` and script errors go (default: stderr). */
  readonly log?: (line: string) => void;
  /** `open()` reads only files in the script's folder. */
  readonly confined?: boolean;
}

const summaryOf = (file: string, problems: readonly Problem[]) =>
  `${file}: ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}`;

/** Loads, checks and compiles a k6 script; throws a bad-input `DltError` listing every problem. */
export async function compileK6(path: string, text: string, options: K6LoadOptions = {}): Promise<CompiledTest> {
  const bundle = buildBundle(path, text);
  if (bundle.problems.length > 0) throw badInput(bundle.problems, summaryOf(path, bundle.problems));
  const env = Object.fromEntries(
    Object.entries(options.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let sandbox: Sandbox;
  try {
    sandbox = new Sandbox(bundle.modules);
  } catch (e) {
    throw badInput([{ file: path, message: `cannot load the script: ${(e as Error).message}` }]);
  }
  const metrics = new MetricRegistry();
  const script = new K6Script({
    sandbox,
    entry: path,
    files: new FileReader(options.confined ? dirname(path) : undefined),
    metrics,
    env,
    log,
  });
  const options0 = await readExports(script, path);
  script.optionsJson = options0.json;
  const opts = readOptions(options0.value, path, metrics.all());
  const problems: Problem[] = [...opts.problems];
  const overridden = applyOverrides(opts.specs, options.overrides);
  problems.push(...overridden.problems);
  const limitProblems = checkLimits(overridden.specs, { ...defaultLimits, ...options.limits });
  problems.push(
    ...limitProblems.map((p) => ({
      file: path,
      field: `scenario ${overridden.specs[p.path[1] as number]?.name ?? ''}`.trim(),
      message: p.message,
    })),
  );
  for (const run of opts.scenarios) {
    if (!options0.functions.includes(run.exec)) {
      const message =
        run.exec === 'default'
          ? 'the script has no default function to run'
          : `the script exports no function ${run.exec}`;
      problems.push({
        file: path,
        field: `scenario ${run.name}`,
        message,
        hint: 'export default function () { … }, or set exec',
      });
    }
  }
  if (problems.length > 0) throw badInput(problems, summaryOf(path, problems));
  const programs: Record<string, VuProgram> = {};
  for (const run of opts.scenarios) programs[run.name] = k6Program(script, run);
  const timeouts = {
    setupMs: timeoutOf(options0.value, 'setupTimeout'),
    teardownMs: timeoutOf(options0.value, 'teardownTimeout'),
  };
  const lifecycle = k6Lifecycle(script, options0.functions, timeouts);
  return {
    source: path,
    executors: overridden.specs,
    programs,
    thresholds: opts.thresholds,
    warnings: [...opts.warnings, ...overridden.warnings, ...exportWarnings(path, options0.functions)],
    ...(lifecycle ? { lifecycle } : {}),
  };
}

/** Exports k6 would call that dlt does not. */
function exportWarnings(path: string, functions: readonly string[]): string[] {
  return functions.includes('handleSummary')
    ? [`${path}: handleSummary is not called; dlt prints its own summary (use --out json=FILE or --junit FILE)`]
    : [];
}

/** Runs the init code once (as k6 does) to read `options` and which functions the script exports. */
async function readExports(script: K6Script, path: string) {
  let vu: K6Vu;
  try {
    vu = await K6Vu.create(script, { vuId: 0, scenario: '', env: script.env }, undefined);
  } catch (e) {
    const { message, stack } = errorText(e);
    const at = script.where(stack);
    throw badInput([{ file: path, message: `the init code failed: ${message}${at ? ` at ${at}` : ''}` }]);
  }
  const exports = vu.exports;
  const functions = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
  let json = '{}';
  try {
    json = JSON.stringify(exports.options ?? {}) ?? '{}';
  } catch (e) {
    throw badInput([{ file: path, field: 'options', message: `cannot be read as JSON: ${(e as Error).message}` }]);
  }
  return { value: JSON.parse(json) as unknown, json, functions };
}

function timeoutOf(options: unknown, key: 'setupTimeout' | 'teardownTimeout'): number {
  const v = (options as Record<string, unknown> | null)?.[key];
  const d = v === undefined ? undefined : tryParseDuration(v);
  return d?.ok ? d.ms : 60_000;
}
