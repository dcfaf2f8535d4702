/**
 * Loads a JMeter plan from a file on disk (its data files beside it) or from a bundle (its data
 * files in the same zip), and compiles it.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import type { CompiledTest, Problem } from '@dlt/model';
import { badInput, DltError } from '@dlt/model';
import type { Bundle } from '../bundle/open-bundle.ts';
import { resolveInBundle } from '../bundle/resolve-in-bundle.ts';
import type { PlanFiles } from './compile-context.ts';
import { compileJmx, type JmxOptions } from './compile-jmx.ts';
import { jmxLimits } from './jmx-tree.ts';

export type JmxLoadOptions = Omit<JmxOptions, 'source' | 'files'>;

/** Reads and compiles `path`; files the plan names are read relative to its folder (only inside it when `confined`). */
export async function loadJmxFile(path: string, options: JmxLoadOptions, confined = false): Promise<CompiledTest> {
  let text: string;
  try {
    if (statSync(path).size > jmxLimits.maxBytes)
      throw badInput([{ file: path, message: `the plan is larger than ${jmxLimits.maxBytes} bytes` }]);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (DltError.is(e) || (e as NodeJS.ErrnoException).code === undefined) throw e;
    throw badInput([{ file: path, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code}` }]);
  }
  const dir = dirname(path);
  const files: PlanFiles = (name) => {
    const full = resolve(dir, name);
    if (confined && !isInside(dir, full)) return { ok: false, message: `${name} is outside the plan's folder` };
    try {
      if (!statSync(full).isFile()) return { ok: false, message: `${name} is not a file` };
      return { ok: true, bytes: readFileSync(full), path: full };
    } catch (e) {
      return { ok: false, message: `cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? e}` };
    }
  };
  return finish(compileJmx(text, { ...options, source: path, files }), path);
}

/** Compiles the one plan in `bundle`; files it names are looked up in the bundle. */
export function loadJmxBundle(bundle: Bundle, options: JmxLoadOptions): CompiledTest {
  const plans = [...bundle.files.keys()].filter((n) => n.toLowerCase().endsWith('.jmx'));
  const top = plans.filter((n) => !n.includes('/'));
  const chosen = plans.length === 1 ? plans : top;
  if (chosen.length !== 1) {
    const message =
      plans.length === 0 ? 'holds no .jmx plan' : `holds several .jmx plans (${plans.join(', ')}); keep one at the top`;
    throw badInput([{ file: bundle.source, message }]);
  }
  const planPath = chosen[0];
  const files: PlanFiles = (name) => {
    const inside = resolveInBundle(planPath, name);
    // A plan made on someone's machine may name /home/me/data.csv: the bundle's file of that name is meant.
    const found = inside ?? [...bundle.files.keys()].find((k) => basename(k) === basename(name.replace(/\\/g, '/')));
    const bytes = found === undefined ? undefined : bundle.files.get(found);
    if (found === undefined || bytes === undefined) return { ok: false, message: `${name} is not in ${bundle.source}` };
    return { ok: true, bytes, path: found };
  };
  const text = new TextDecoder().decode(bundle.files.get(planPath));
  return finish(
    compileJmx(text, { ...options, source: `${bundle.source}:${planPath}`, files }),
    `${bundle.source}:${planPath}`,
  );
}

function finish(r: ReturnType<typeof compileJmx>, source: string): CompiledTest {
  if (r.ok) return r.test;
  const problems: readonly Problem[] = r.problems;
  throw badInput(problems, `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
}

/** Whether `full` lies in `dir` (or below it). */
export function isInside(dir: string, full: string): boolean {
  const rel = relative(dir, full);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
