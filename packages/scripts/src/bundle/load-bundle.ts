/** Loads a zip bundle and compiles the script it holds with the front-end for that script. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CompiledTest } from '@dlt/model';
import { badInput } from '@dlt/model';
import { type JmxLoadOptions, loadJmxBundle } from '../jmx/load-jmx.ts';
import { compileK6, type K6LoadOptions } from '../k6/k6.ts';
import { type Bundle, type BundleLimits, openBundle } from './open-bundle.ts';

/** What a bundle's front-end may be given. */
export interface BundleLoadOptions extends JmxLoadOptions {
  readonly bundleLimits?: Partial<BundleLimits>;
  /** For a k6 script: `__ENV`, where its output goes. */
  readonly k6?: Omit<K6LoadOptions, 'overrides' | 'limits' | 'confined'>;
  /** Folder to unpack a k6 bundle into (default: a temporary folder removed when the process exits). */
  readonly workDir?: string;
}

const k6Extensions = ['.js', '.mjs', '.ts', '.mts'];

/** Opens `path`, finds its script and compiles it. */
export async function loadBundleFile(path: string, options: BundleLoadOptions): Promise<CompiledTest> {
  const bundle = await openBundle(path, options.bundleLimits);
  const names = [...bundle.files.keys()];
  if (names.some((n) => n.toLowerCase().endsWith('.jmx'))) return loadJmxBundle(bundle, options);
  const scripts = names.filter((n) => k6Extensions.some((e) => n.toLowerCase().endsWith(e)));
  if (scripts.length > 0) return loadK6Bundle(bundle, scripts, options);
  throw badInput([
    {
      file: path,
      message: 'holds no script dlt can run',
      hint: 'a bundle holds one .jmx plan, or a k6 script, and its data files',
    },
  ]);
}

/**
 * A k6 script and the modules and data files it opens, unpacked to a folder so the k6 front-end
 * reads them as it reads any script; the entry is the one script at the top of the zip (or the
 * only one). Reads stay inside the folder.
 */
async function loadK6Bundle(bundle: Bundle, scripts: string[], options: BundleLoadOptions): Promise<CompiledTest> {
  const top = scripts.filter((n) => !n.includes('/'));
  const chosen = scripts.length === 1 ? scripts : top;
  if (chosen.length !== 1) {
    const message = `holds several k6 scripts (${(top.length > 0 ? top : scripts).join(', ')}); keep one at the top`;
    throw badInput([{ file: bundle.source, message }]);
  }
  const dir = options.workDir ?? temporaryFolder();
  for (const [name, bytes] of bundle.files) {
    const full = join(dir, name);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, bytes, { mode: 0o600 });
  }
  const entry = join(dir, chosen[0]);
  const text = new TextDecoder().decode(bundle.files.get(chosen[0]));
  return compileK6(entry, text, {
    ...options.k6,
    overrides: options.overrides,
    limits: options.limits,
    confined: true,
  });
}

const made: string[] = [];

/** A private temporary folder, removed when the process exits. */
function temporaryFolder(): string {
  if (made.length === 0) {
    process.once('exit', () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'dlt-bundle-'));
  made.push(dir);
  return dir;
}
