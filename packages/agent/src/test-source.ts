/**
 * Where a test comes from. A source is plain data, so a worker thread (or a remote agent) can
 * compile the same test again on its side: VU programs are code and never cross threads.
 */
import type { CompiledTest } from '@dlt/model';
import { compileDefinition, type LoadOptions, loadTestFile } from '@dlt/scripts';

export type TestSource =
  /** A test file on this machine. */
  | { readonly kind: 'file'; readonly path: string; readonly load: LoadOptions }
  /** An already parsed definition (quick mode, an API body); `source` names it in messages. */
  | { readonly kind: 'definition'; readonly raw: unknown; readonly source: string; readonly load: LoadOptions };

/** Validates and compiles a source; throws a bad-input error listing every problem. */
export async function compileSource(source: TestSource): Promise<CompiledTest> {
  switch (source.kind) {
    case 'file':
      return loadTestFile(source.path, source.load);
    case 'definition':
      return compileDefinition(source.raw, { ...source.load, source: source.source });
    default:
      return assertNever(source);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected test source ${JSON.stringify(x)}`);
}
