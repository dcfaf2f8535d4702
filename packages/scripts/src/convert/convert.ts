/**
 * `dlt convert`: a test file in another format written as the simple (Taurus-style) YAML
 * definition, with the list of what could not be carried over: JMeter plans, and k6 scripts
 * whose requests are known before the run (a script is a program: what it computes at run
 * time is listed, not guessed).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { badInput, type Problem } from '@dlt/model';
import { stringify } from 'yaml';
import { jmxLimits } from '../jmx/jmx-tree.ts';
import { convertJmx, type Lost } from './jmx-to-simple.ts';
import { convertK6 } from './k6-to-simple.ts';

/** Formats `convertFile` can write. */
export const convertTargets = ['yaml'] as const;
export type ConvertTarget = (typeof convertTargets)[number];

/** The converted text, and every element (or setting) left behind. */
export interface Conversion {
  readonly text: string;
  readonly lost: readonly Lost[];
  readonly warnings: readonly string[];
}

/** Converts the file at `path`; throws a bad-input error when it cannot be converted at all. */
export async function convertFile(path: string, to: ConvertTarget = 'yaml'): Promise<Conversion> {
  const ext = extname(path).toLowerCase();
  if (ext === '.js' || ext === '.mjs') {
    const r = convertK6(await readText(path), path);
    if (!r.ok) throw badInput(r.problems, `${path}: cannot convert`);
    return { text: render(r.definition, path, to), lost: r.lost, warnings: [] };
  }
  if (ext !== '.jmx') {
    throw badInput([
      { file: path, message: `cannot convert "${ext || path}" files`, hint: 'give a .jmx plan or a k6 .js script' },
    ]);
  }
  const text = await readText(path);
  const r = convertJmx(text, path);
  if (!r.ok) throw badInput(r.problems, `${path}: cannot convert`);
  return { text: render(r.definition, path, to), lost: r.lost, warnings: r.warnings };
}

async function readText(path: string): Promise<string> {
  try {
    if ((await stat(path)).size > jmxLimits.maxBytes) {
      throw badInput([{ file: path, message: `the file is larger than ${jmxLimits.maxBytes} bytes` }]);
    }
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === undefined) throw e;
    const problem: Problem = { file: path, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code}` };
    throw badInput([problem]);
  }
}

function render(definition: Record<string, unknown>, source: string, _to: ConvertTarget): string {
  const head = `# Converted from ${basename(source)} by dlt convert. Run it with: dlt run FILE\n`;
  return head + stringify(definition, { lineWidth: 0 });
}

/** One line per lost element: `path (type "name"): what`. */
export function formatLost(l: Lost): string {
  return `${l.path}: ${l.what}`;
}
