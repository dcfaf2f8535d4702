/**
 * A definition whose scenario runs a JMeter plan or a k6 script — the seed's `testScenario` for
 * `jmeter` and `k6` tests, Taurus's `scenarios: { name: { script: plan.jmx } }` — compiled as the
 * script itself, with the execution's load (concurrency, ramp-up + hold-for, iterations, with
 * k6's meaning of `--vus`, `--duration`, `--iterations`) and the definition's thresholds added to
 * the script's own. Command-line overrides win over the execution's.
 */
import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import {
  badInput,
  type CompiledTest,
  type PathProblem,
  type ThresholdSpec,
  tryParseDuration,
  tryParseThreshold,
} from '@dlt/model';
import type { LoadOptions } from './compile.ts';
import type { LoadOverrides } from './simple/overrides.ts';
import { type Locator, locatedProblem } from './simple/source.ts';

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
  locate?: Locator,
): Promise<CompiledTest> {
  const problems: PathProblem[] = [];
  const at: At = (path, message, hint) => problems.push({ path, message, ...(hint ? { hint } : {}) });
  const execution = Array.isArray(raw.execution) ? raw.execution : [];
  if (execution.length !== 1 || !isRecord(execution[0])) {
    at(
      ['execution'],
      'a test that runs a script has one execution item',
      'the script holds its own load and scenarios',
    );
  }
  const item: Raw = isRecord(execution[0]) ? execution[0] : {};
  const scenarios = raw.scenarios as Raw;
  const name = typeof item.scenario === 'string' ? item.scenario : (Object.keys(scenarios)[0] ?? '');
  const scenario = scenarios[name];
  const script = isRecord(scenario) && typeof scenario.script === 'string' ? scenario.script : undefined;
  // The seed names the uploaded file; a path from another machine is looked up beside the definition.
  const base = options.baseDir ?? '.';
  const path = script === undefined ? '' : resolve(base, isAbsolute(script) ? basename(script) : script);
  if (script === undefined) {
    at(
      ['execution', 0, 'scenario'],
      `names no scenario with a script (scenarios: ${Object.keys(scenarios).join(', ')})`,
    );
  } else if (!existsSync(path)) {
    at(
      ['scenarios', name, 'script'],
      `${script} is not there (looked for ${path})`,
      'put the script beside the definition',
    );
  }
  const overrides = { ...executionLoad(item, at), ...definedOf(options.overrides) };
  const thresholds = thresholdsOf(raw.thresholds, at);
  if (problems.length > 0) {
    const located = problems.map((p) => locatedProblem(p, options.source, locate));
    throw badInput(located, `${options.source}: ${located.length} problem${located.length === 1 ? '' : 's'}`);
  }
  // The execution's `env` gives the script's __ENV (k6) and properties (a plan's ${__P(name)});
  // the command line's -e and -J win.
  const env = isRecord(item.env) ? Object.fromEntries(Object.entries(item.env).map(([k, v]) => [k, String(v)])) : {};
  const test = await load(path, {
    ...options,
    overrides,
    env: { ...env, ...options.env },
    properties: { ...env, ...options.properties },
  });
  return { ...test, thresholds: [...test.thresholds, ...thresholds] };
}

type At = (path: readonly PropertyKey[], message: string, hint?: string) => void;

/** The load of an execution item, as `dlt run` overrides; none when it gives neither a length nor iterations. */
function executionLoad(item: Raw, at: At): LoadOverrides {
  const ms = (key: string) => {
    if (item[key] === undefined) return 0;
    const d = tryParseDuration(item[key]);
    if (!d.ok) at(['execution', 0, key], d.message);
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

function thresholdsOf(raw: unknown, at: At): ThresholdSpec[] {
  if (raw === undefined) return [];
  if (!isRecord(raw)) {
    at(['thresholds'], 'expected a map from a metric to a list of expressions');
    return [];
  }
  const out: ThresholdSpec[] = [];
  for (const [key, entries] of Object.entries(raw)) {
    for (const [i, entry] of (Array.isArray(entries) ? entries : [entries]).entries()) {
      const t = tryParseThreshold(key, entry);
      if (t.ok) out.push(t.value);
      else at(['thresholds', key, i], t.message, t.hint);
    }
  }
  return out;
}
