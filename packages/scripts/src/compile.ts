/**
 * The front door of the script front-ends: `loadTestFile` picks one by the file's extension,
 * `compileDefinition` compiles an already parsed simple definition (the CLI's quick mode, an
 * API body). Every problem found is reported at once, located in the file where possible.
 */
import { open } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { CompiledTest, Problem } from '@dlt/model';
import { badInput, DltError } from '@dlt/model';
import { loadBundleFile } from './bundle/load-bundle.ts';
import { loadJmxFile } from './jmx/load-jmx.ts';
import { compileK6 } from './k6/k6.ts';
import { compileLocustDefinition, folderOf, isLocustDefinition, loadLocustFile } from './locust/locust.ts';
import { isScriptDefinition, loadScriptDefinition } from './script-definition.ts';
import type { Limits } from './simple/limits.ts';
import type { LoadOverrides } from './simple/overrides.ts';
import { compileSimple } from './simple/simple.ts';
import type { Locator } from './simple/source.ts';
import { locatedProblem, parseSource } from './simple/source.ts';

/** How to load a test: variables for `${NAME}`, command-line load overrides, and caps. */
export interface LoadOptions {
  /**
   * Values for `${NAME}` in the file. Nothing is read from the process environment unless
   * the caller passes it (the CLI passes `-e` values over `process.env`; the server does not).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: LoadOverrides;
  /** Caps checked after overrides; missing ones take `defaultLimits`. */
  readonly limits?: Partial<Limits>;
  /** JMeter properties (`-J name=value`), read by `${__P(name)}` in .jmx plans. */
  readonly properties?: Readonly<Record<string, string>>;
  /**
   * Folder that a definition's relative `script` paths (locustfiles) are resolved against;
   * a file's own folder by default, else the working folder.
   */
  readonly baseDir?: string;
  /**
   * Files the test reads (k6 `open()`, a plan's CSV files) must sit in its own folder: set for
   * scripts that come from someone else (an agent's task), so they cannot read the machine's files.
   */
  readonly confined?: boolean;
  /** Where a zip holding a k6 script is unpacked (default: a temporary folder removed at exit). */
  readonly workDir?: string;
}

/** Reads, validates and compiles a test file. Throws a bad-input `DltError` listing every problem. */
export async function loadTestFile(path: string, options: LoadOptions = {}): Promise<CompiledTest> {
  const ext = extname(path).toLowerCase();
  if (k6Extensions.includes(ext)) return loadK6File(path, options);
  if (ext === '.jmx' || ext === '.zip') {
    const jmx = { properties: options.properties, overrides: options.overrides, limits: options.limits };
    if (ext === '.jmx') return loadJmxFile(path, jmx, options.confined);
    return loadBundleFile(path, { ...jmx, k6: { env: options.env }, workDir: options.workDir });
  }
  if (ext === '.py') return loadLocustFile(path, { ...options, source: path });
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw badInput([
      {
        file: path,
        message: `unknown kind of test file "${ext || path}"`,
        hint: 'use .yaml, .yml, .json, .jmx, .zip, .js or .py',
      },
    ]);
  }
  const text = await readTextFile(path);
  const parsed = parseSource(text, path, ext === '.json');
  if (!parsed.ok) throw badInput(parsed.problems, problemsSummary(path, parsed.problems));
  if (isScriptDefinition(parsed.value)) {
    const scriptOptions = { baseDir: folderOf(path), ...options, source: path };
    return loadScriptDefinition(parsed.value as Record<string, unknown>, scriptOptions, loadTestFile, parsed.locate);
  }
  return compile(parsed.value, { baseDir: folderOf(path), ...options, source: path }, parsed.locate);
}

/** k6 scripts: JavaScript modules, or TypeScript with its types removed. */
const k6Extensions = ['.js', '.mjs', '.ts', '.mts'];

async function loadK6File(path: string, options: LoadOptions): Promise<CompiledTest> {
  const text = await readTextFile(path);
  return compileK6(resolve(path), text, options);
}

/** The most a definition or script file may hold; larger is a mistake (a log, a data dump), not a test. */
export const maxTestFileBytes = 16 * 1024 * 1024;

/**
 * Reads a whole text file, but never more than `maxTestFileBytes`: a huge file or an endless
 * device (`/dev/zero`) is refused before it can exhaust the memory.
 */
async function readTextFile(path: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.alloc(1024 * 1024) });
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxTestFileBytes) {
        throw badInput([{ file: path, message: `the file is larger than ${maxTestFileBytes / 1024 / 1024} MiB` }]);
      }
    }
    return Buffer.concat(chunks, length).toString('utf8');
  } catch (e) {
    if (DltError.is(e)) throw e;
    throw badInput([{ file: path, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? e}` }]);
  } finally {
    await handle?.close();
  }
}

/** Compiles a simple definition given as a value; problems carry field paths (no lines). */
export function compileDefinition(raw: unknown, options: LoadOptions & { readonly source: string }): CompiledTest {
  return compile(raw, options, undefined);
}

function compile(raw: unknown, options: LoadOptions & { readonly source: string }, locate?: Locator): CompiledTest {
  const r = isLocustDefinition(raw) ? compileLocustDefinition(raw, options) : compileSimple(raw, options);
  if (r.ok) return r.test;
  const problems = r.problems
    .map((p) => ('path' in p ? locatedProblem(p, options.source, locate) : p))
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? Infinity) - (b.column ?? Infinity));
  throw badInput(problems, problemsSummary(options.source, problems));
}

function problemsSummary(source: string, problems: readonly Problem[]): string {
  return problems.length === 1 ? `${source}: 1 problem` : `${source}: ${problems.length} problems`;
}
