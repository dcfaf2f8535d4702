/** Loads a zip bundle and compiles the script it holds with the front-end for that script. */
import type { CompiledTest } from '@dlt/model';
import { badInput } from '@dlt/model';
import { type JmxLoadOptions, loadJmxBundle } from '../jmx/load-jmx.ts';
import { type BundleLimits, openBundle } from './open-bundle.ts';

/** What a bundle's front-end may be given. */
export interface BundleLoadOptions extends JmxLoadOptions {
  readonly bundleLimits?: Partial<BundleLimits>;
}

/** Opens `path`, finds its script and compiles it. */
export async function loadBundleFile(path: string, options: BundleLoadOptions): Promise<CompiledTest> {
  const bundle = await openBundle(path, options.bundleLimits);
  const names = [...bundle.files.keys()];
  if (names.some((n) => n.toLowerCase().endsWith('.jmx'))) return loadJmxBundle(bundle, options);
  throw badInput([
    { file: path, message: 'holds no script dlt can run', hint: 'a bundle holds one .jmx plan and its data files' },
  ]);
}
