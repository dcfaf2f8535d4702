/**
 * `dlt convert`: a test file in another format written as the simple (Taurus-style) YAML
 * definition, with the list of what could not be carried over. JMeter plans convert; k6 scripts
 * are programs, not data, so they are refused with a clear message (dlt runs them as they are).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { badInput, type Problem } from '@dlt/model';
import { stringify } from 'yaml';
import { jmxLimits } from '../jmx/jmx-tree.ts';
import { convertJmx, type Lost } from './jmx-to-simple.ts';

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
  if (['.js', '.mjs', '.ts', '.mts'].includes(ext)) {
    throw badInput([
      {
        file: path,
        message: 'converting k6 scripts is not supported: a script is a program, not a list of requests',
        hint: `dlt runs it as it is: dlt run ${basename(path)}`,
      },
    ]);
  }
  if (ext !== '.jmx') {
    throw badInput([{ file: path, message: `cannot convert "${ext || path}" files`, hint: 'give a .jmx plan' }]);
  }
  const text = await readPlan(path);
  const r = convertJmx(text, path);
  if (!r.ok) throw badInput(r.problems, `${path}: cannot convert`);
  return { text: render(r.definition, path, to), lost: r.lost, warnings: r.warnings };
}

async function readPlan(path: string): Promise<string> {
  try {
    if ((await stat(path)).size > jmxLimits.maxBytes) {
      throw badInput([{ file: path, message: `the plan is larger than ${jmxLimits.maxBytes} bytes` }]);
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
