/**
 * Loads a k6 script and the local modules it imports (relative paths, recursively), checks
 * them all, plans which functions must wait, and rewrites each into a factory for the sandbox.
 * Every problem of every module is collected before anything runs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { Problem } from '@dlt/model';
import { type PlanShared, planAsync } from './async-plan.ts';
import { jslibPath } from './jslib.ts';
import { type ScannedModule, scanModule } from './module-scan.ts';
import { exportedNodes, rewriteModule } from './rewrite.ts';
import { parseModule } from './syntax.ts';

/** Caps on what one script may load. */
export const bundleLimits = { modules: 200, moduleBytes: 5 * 1024 * 1024 } as const;

/** The rewritten modules of a script, by path, and the names its entry exports. */
export interface ScriptBundle {
  readonly entry: string;
  readonly modules: ReadonlyMap<string, string>;
  readonly entryExports: readonly string[];
  readonly problems: readonly Problem[];
}

/** Resolves an import: a jslib module we offer, else the exact file, or with `.js`, `.mjs` or `.ts` added. */
export function resolveImport(from: string, spec: string): string {
  const lib = jslibPath(spec);
  if (lib !== undefined) return lib;
  const full = resolve(dirname(from), spec);
  if (extname(full) !== '' || existsSync(full)) return full;
  for (const ext of ['.js', '.mjs', '.ts']) if (existsSync(full + ext)) return full + ext;
  return full;
}

/** Loads `entry` (whose text is given) and everything it imports locally. */
export function buildBundle(entry: string, text: string): ScriptBundle {
  const problems: Problem[] = [];
  const scanned = new Map<string, ScannedModule>();
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (path: string, source: string | undefined, importer?: { file: string; spec: string }) => {
    if (scanned.has(path)) return;
    if (visiting.has(path)) {
      problems.push({
        file: importer?.file,
        message: `circular import of ${importer?.spec}`,
        hint: 'dlt runs modules that import each other in a loop only once they are untangled',
      });
      return;
    }
    if (scanned.size + visiting.size >= bundleLimits.modules) {
      problems.push({ file: path, message: `more than ${bundleLimits.modules} modules` });
      return;
    }
    const code = source ?? readModule(path, importer, problems);
    if (code === undefined) return;
    const parsed = parseModule(code, path);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      return;
    }
    const m = scanModule(parsed.module, (spec) => resolveImport(path, spec));
    problems.push(...m.problems);
    visiting.add(path);
    for (const spec of m.localSpecifiers) visit(resolveImport(path, spec), undefined, { file: path, spec });
    visiting.delete(path);
    scanned.set(path, m);
    order.push(path);
  };
  visit(entry, text);
  const shared: PlanShared = { methods: new Set(), exported: new Map(), escaped: false };
  const modules = new Map<string, string>();
  let entryExports: readonly string[] = [];
  if (problems.length > 0) return { entry, modules, entryExports, problems };
  // Plans twice: the second pass sees method names and escapes found in modules planned later.
  for (let pass = 0; pass < 2; pass++) for (const path of order) planAsync(scanned.get(path)!, shared, exportedNodes);
  for (const path of order) {
    const m = scanned.get(path)!;
    const plan = planAsync(m, shared, exportedNodes);
    problems.push(...plan.problems);
    const out = rewriteModule(m, plan, (spec) => resolveImport(path, spec));
    problems.push(...out.problems);
    modules.set(path, out.code);
    if (path === entry) entryExports = out.exports;
  }
  return { entry, modules, entryExports, problems };
}

function readModule(path: string, importer: { file: string; spec: string } | undefined, problems: Problem[]) {
  const at = importer ? { file: importer.file } : { file: path };
  try {
    const size = statSync(path).size;
    if (size > bundleLimits.moduleBytes) {
      problems.push({
        ...at,
        message: `${importer?.spec ?? path} is ${size} bytes, more than ${bundleLimits.moduleBytes}`,
      });
      return undefined;
    }
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    problems.push({ ...at, message: `cannot read module ${importer?.spec ?? path} (${code})` });
    return undefined;
  }
}
