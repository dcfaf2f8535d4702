/**
 * `dlt tests create|run FILE` for a JMeter plan, a k6 script or a zip of either with its data
 * files: the file is checked here as `dlt run` would check it (each problem names its line or
 * element), the test is saved, the file uploaded, and the test then started when asked. Its
 * `testScenario` names the script and gives no load, so the script's own load runs.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { DltClient, Scenario, ScenarioInput } from '@dlt/client';
import { badInput } from '@dlt/model';
import { loadTestFile } from '@dlt/scripts';

const scriptTypes: Readonly<Record<string, 'jmeter' | 'k6'>> = {
  '.jmx': 'jmeter',
  '.js': 'k6',
  '.mjs': 'k6',
  '.ts': 'k6',
  '.mts': 'k6',
};

/** Whether FILE is a plan, a k6 script or a zip rather than a test definition. */
export function isScriptFile(file: string): boolean {
  const ext = extname(file).toLowerCase();
  return ext === '.zip' || Object.hasOwn(scriptTypes, ext);
}

/** The wrapping options of `dlt tests create|run`. */
export interface ScriptTestOptions {
  readonly name?: string;
  readonly description?: string;
  readonly region?: string;
  readonly tasks?: number;
  readonly concurrency?: number;
  readonly id?: string;
  /** `-e` values over this shell's environment, for the local check. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The `-e` values alone: the script's __ENV (and a plan's properties) on the agents. */
  readonly given: Readonly<Record<string, string>>;
}

/** Saves the test of `file` and uploads the file; with `run`, starts it. The stored (or started) test. */
export async function storeScriptTest(
  client: DltClient,
  file: string,
  o: ScriptTestOptions,
  run: boolean,
): Promise<Scenario> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw badInput([{ file, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? e}` }]);
  }
  await loadTestFile(file, { env: o.env, properties: o.given });
  const name = basename(file);
  const input: ScenarioInput = {
    ...(o.id ? { testId: o.id } : {}),
    testName: o.name ?? (basename(file, extname(file)).length >= 3 ? basename(file, extname(file)) : `test ${name}`),
    testDescription: o.description ?? `from ${name}`,
    testType: testTypeOf(file, bytes),
    fileType: extname(file).toLowerCase() === '.zip' ? 'zip' : 'script',
    testTaskConfigs: [{ region: o.region ?? 'local', taskCount: o.tasks ?? 1, concurrency: o.concurrency ?? 1 }],
    testScenario: {
      execution: [{ scenario: 'script', ...(Object.keys(o.given).length > 0 ? { env: o.given } : {}) }],
      scenarios: { script: { script: name } },
    },
  };
  const saved = await client.createScenario({ ...input, saveOnly: true });
  await client.uploadScript(saved.testId, name, bytes);
  if (!run) return saved;
  return client.createScenario({ ...input, testId: saved.testId });
}

/** jmeter or k6 by the extension; a zip by the names it holds (a .jmx makes it a JMeter bundle). */
function testTypeOf(file: string, bytes: Uint8Array): 'jmeter' | 'k6' {
  const ext = extname(file).toLowerCase();
  if (ext !== '.zip') return scriptTypes[ext];
  // Entry names are plain text in a zip's headers.
  return Buffer.from(bytes).includes('.jmx') ? 'jmeter' : 'k6';
}
