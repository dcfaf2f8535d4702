/**
 * The import graph must follow STYLE.md §2.4: each package imports only the packages it is
 * allowed to and has declared in its package.json, never another package's internals, and
 * the engine and client stay free of server-side libraries.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');

/** Which @dlt packages each package may import (arrows point down only). */
const allowed: Record<string, readonly string[]> = {
  model: [],
  metrics: ['model'],
  engine: ['model', 'metrics'],
  scripts: ['model'],
  agent: ['model', 'metrics', 'engine', 'scripts', 'client'],
  server: ['model', 'metrics'],
  client: ['model'],
  cli: ['model', 'metrics', 'agent', 'scripts', 'server', 'client', 'mcp'],
  mcp: ['model', 'client', 'server'],
  console: ['model', 'client'],
  e2e: ['model', 'metrics', 'engine', 'scripts', 'agent', 'server', 'client', 'cli', 'mcp'],
};

/** Third-party modules a package must never reach, whatever it declares. */
const forbidden: Record<string, readonly string[]> = {
  engine: ['fastify', 'kysely', 'pg', 'yaml', 'fast-xml-parser'],
  client: [...builtinModules, 'fastify'],
  model: [...builtinModules.filter((m) => m !== 'node:util')],
};

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|tsx|mts)$/.test(name)) out.push(p);
  }
  return out;
}

/** Import specifiers of a source file: static, dynamic and re-exports. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const re =
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"\s]+)['"]|(?:^|[\s;])import\s*['"]([^'"\s]+)['"]|import\(\s*['"]([^'"\s]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

function packageOf(spec: string): string {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

test('importsOf finds static, dynamic and re-exported specifiers', () => {
  const src = `import a from 'x';\nimport type { B } from "@dlt/model";\nexport * from './y.ts';\nimport 'side';\nconst z = await import('zz');`;
  assert.deepEqual(importsOf(src), ['x', '@dlt/model', './y.ts', 'side', 'zz']);
});

test('importsOf ignores prose and strings that only look like imports', () => {
  const src = `/** checks every import and member access */\nconst hint = { require: 'use import',\n  process: 'read __ENV' };`;
  assert.deepEqual(importsOf(src), []);
});

for (const pkg of readdirSync(packagesDir)) {
  const manifestPath = join(packagesDir, pkg, 'package.json');
  let manifest: { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    continue;
  }
  test(`package ${pkg} imports only what it declares and is allowed`, () => {
    assert.ok(pkg in allowed, `packages/${pkg} is not in the layer table of tools/layers.test.ts and STYLE.md §2.4`);
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.devDependencies ?? {}),
    ]);
    const problems: string[] = [];
    for (const file of walk(join(packagesDir, pkg, 'src'))) {
      const rel = file.slice(root.length + 1);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          if (spec.includes('/packages/') || /\.\.\/\.\.\/(?!src)/.test(spec))
            problems.push(`${rel}: relative import leaves the package: ${spec}`);
          continue;
        }
        const name = packageOf(spec);
        // Tests may use Node's own modules (node:test, node:http targets) even where the code may not.
        const isTest = /\.test\.tsx?$/.test(file);
        if (
          !(isTest && (spec.startsWith('node:') || builtinModules.includes(spec))) &&
          (forbidden[pkg] ?? []).includes(name)
        ) {
          problems.push(`${rel}: ${pkg} must not import ${spec}`);
          continue;
        }
        if (name.startsWith('node:') || builtinModules.includes(name)) continue;
        if (name.startsWith('@dlt/')) {
          const target = name.slice(5);
          if (spec !== name) problems.push(`${rel}: deep import ${spec}; import ${name} instead`);
          if (!(allowed[pkg] ?? []).includes(target))
            problems.push(`${rel}: ${pkg} may not import ${name} (STYLE.md §2.4)`);
        }
        if (!declared.has(name))
          problems.push(`${rel}: imports ${name}, which packages/${pkg}/package.json does not declare`);
      }
    }
    assert.deepEqual(problems, []);
  });
}
