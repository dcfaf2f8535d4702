/**
 * What a CI job keeps of a run: `--junit PATH` (JUnit XML) and `--out json=PATH` (the summary),
 * written after the run whatever its outcome, and the exit code once a regression check is in.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { badInput, type Problem } from '@dlt/model';
import { exitCodes } from '../exit-codes.ts';
import { type JunitInput, junitXml } from './junit.ts';
import { describeCheck, parsePercent, type RegressionVerdict } from './regression.ts';

export interface CiOutputs {
  readonly junit?: string;
  readonly json: readonly string[];
}

/** Writes `text` to `path`, creating its folder; a failure names the file and the flag. */
export async function writeOutput(flag: string, path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  } catch (e) {
    throw badInput([
      { field: flag, file: path, message: `cannot write: ${(e as NodeJS.ErrnoException).code ?? String(e)}` },
    ]);
  }
}

/** The JUnit report when the server refused the run or could not be reached: one case, an error saying why. */
export async function writeNotRunJunit(path: string, name: string, reason: string): Promise<void> {
  await writeOutput('--junit', path, junitXml({ name, status: 'error', errorReason: reason }));
}

/** Writes the JUnit report and every JSON output of a run. */
export async function writeCiOutputs(o: CiOutputs, junit: JunitInput, json: unknown): Promise<void> {
  if (o.junit) await writeOutput('--junit', o.junit, junitXml(junit));
  for (const path of o.json) await writeOutput('--out', path, `${JSON.stringify(json, null, 2)}\n`);
}

/** Prints the verdict and turns it into the exit code: 99 on a regression, else the run's own. */
export function regressionExit(
  verdict: RegressionVerdict | undefined,
  code: number,
  err: NodeJS.WritableStream,
): number {
  if (!verdict) return code;
  for (const c of verdict.checks) err.write(`regression: ${describeCheck(c, verdict.allowedPercent)}\n`);
  if (!verdict.regressed) return code;
  err.write(
    `regression: worse than baseline ${verdict.baselineId} by more than ${verdict.allowedPercent}% (--fail-on-regression)\n`,
  );
  return code === exitCodes.ok ? exitCodes.thresholdsCrossed : code;
}

/** Reads `--junit`, `--out json=PATH` (repeatable) and `--fail-on-regression PCT`, naming bad ones. */
export function parseCiFlags(
  v: { readonly junit?: string; readonly out?: readonly string[]; readonly 'fail-on-regression'?: string },
  problems: Problem[],
): CiOutputs & { readonly failOnRegression?: number } {
  const json: string[] = [];
  for (const item of v.out ?? []) {
    const m = /^json=(.+)$/.exec(item);
    if (m) json.push(m[1]);
    else problems.push({ field: '--out', message: `"${item}" is not a known output`, hint: 'use json=PATH' });
  }
  if (v.junit === '') problems.push({ field: '--junit', message: 'needs a file path' });
  const text = v['fail-on-regression'];
  const pct = text === undefined ? undefined : parsePercent(text);
  if (text !== undefined && pct === undefined) {
    problems.push({ field: '--fail-on-regression', message: `"${text}" is not a percentage (a number ≥ 0, e.g. 10)` });
  }
  return { ...(v.junit ? { junit: v.junit } : {}), json, ...(pct === undefined ? {} : { failOnRegression: pct }) };
}
