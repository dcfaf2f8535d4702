/**
 * A definition whose scenario runs a JMeter plan or a k6 script — the seed's `testScenario` for
 * `jmeter` and `k6` tests, Taurus's `scenarios: { name: { script: plan.jmx } }` — compiled as the
 * script itself, with the execution's load (concurrency, ramp-up + hold-for, iterations, with
 * k6's meaning of `--vus`, `--duration`, `--iterations`) and the definition's thresholds added to
 * the script's own. Command-line overrides win over the execution's.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import {
  badInput,
  type CompiledTest,
  type Problem,
  type ThresholdSpec,
  tryParseDuration,
  tryParseThreshold,
} from '@dlt/model';
import type { LoadOptions } from './compile.ts';
import type { LoadOverrides } from './simple/overrides.ts';

const scriptPattern = /\.(jmx|zip|js|mjs|ts|mts)$/i;

type Raw = Record<string, unknown>;
const isRecord = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Whether the definition's scenarios run a .jmx, .zip or k6 script. */
export function isScriptDefinition(raw: unknown): boolean {
  if (!isRecord(raw) || !isRecord(raw.scenarios)) return false;
  return Object.values(raw.scenarios).some(
    (s) => isRecord(s) && typeof s.script === 'string' && scriptPattern.test(s.script),
  );
}

/** Compiles the script the definition names; `load` is `loadTestFile`. */
export async function loadScriptDefinition(
  raw: Raw,
  options: LoadOptions & { readonly source: string },
  load: (path: string, options: LoadOptions) => Promise<CompiledTest>,
): Promise<CompiledTest> {
  const problems: Problem[] = [];
  const at = (field: string, message: string, hint?: string) =>
    problems.push({ file: options.source, field, message, ...(hint ? { hint } : {}) });
  const execution = Array.isArray(raw.execution) ? raw.execution : [];
  if (execution.length !== 1 || !isRecord(execution[0])) {
    at('execution', 'a test that runs a script has one execution item', 'the script holds its own load and scenarios');
  }
  const item: Raw = isRecord(execution[0]) ? execution[0] : {};
  const scenarios = raw.scenarios as Raw;
  const name = typeof item.scenario === 'string' ? item.scenario : Object.keys(scenarios)[0];
  const scenario = scenarios[name ?? ''];
  const script = isRecord(scenario) && typeof scenario.script === 'string' ? scenario.script : undefined;
  if (script === undefined)
    at('execution[0].scenario', `names no scenario with a script (scenarios: ${Object.keys(scenarios).join(', ')})`);
  const overrides = { ...executionLoad(item, at), ...definedOf(options.overrides) };
  const thresholds = thresholdsOf(raw.thresholds, at);
  if (problems.length > 0 || script === undefined)
    throw badInput(problems, `${options.source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  const base = options.baseDir ?? '.';
  // The seed names the uploaded file; a path from another machine is looked up beside the definition.
  const path = isAbsolute(script) ? resolve(base, basename(script)) : resolve(base, script);
  const test = await load(path, { ...options, overrides });
  return { ...test, thresholds: [...test.thresholds, ...thresholds] };
}

/** The load of an execution item, as `dlt run` overrides; none when it gives neither a length nor iterations. */
function executionLoad(item: Raw, at: (field: string, message: string) => void): LoadOverrides {
  const ms = (key: string) => {
    if (item[key] === undefined) return 0;
    const d = tryParseDuration(item[key]);
    if (!d.ok) at(`execution[0].${key}`, d.message);
    return d.ok ? d.ms : 0;
  };
  const durationMs = ms('ramp-up') + ms('hold-for');
  const iterations = typeof item.iterations === 'number' ? item.iterations : undefined;
  if (durationMs <= 0 && iterations === undefined) return {};
  const vus = typeof item.concurrency === 'number' ? item.concurrency : undefined;
  return {
    ...(vus !== undefined ? { vus } : {}),
    ...(durationMs > 0 ? { duration: `${durationMs}ms` } : {}),
    ...(iterations !== undefined ? { iterations } : {}),
  };
}

function definedOf(o: LoadOverrides | undefined): LoadOverrides {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined));
}

function thresholdsOf(raw: unknown, at: (field: string, message: string, hint?: string) => void): ThresholdSpec[] {
  if (raw === undefined) return [];
  if (!isRecord(raw)) {
    at('thresholds', 'expected a map from a metric to a list of expressions');
    return [];
  }
  const out: ThresholdSpec[] = [];
  for (const [key, entries] of Object.entries(raw)) {
    for (const [i, entry] of (Array.isArray(entries) ? entries : [entries]).entries()) {
      const t = tryParseThreshold(key, entry);
      if (t.ok) out.push(t.value);
      else at(`thresholds["${key}"][${i}]`, t.message, t.hint);
    }
  }
  return out;
}
