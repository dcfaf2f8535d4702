/**
 * The whole suite, as `npm test` runs it: type check, lint, then every test file under
 * node:test. Extra arguments are passed to node --test (e.g. a file or --test-name-pattern).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

function step(title: string, cmd: string, args: string[]): void {
  process.stderr.write(`\n== ${title}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`\n${title} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}

const extra = process.argv.slice(2);
if (extra.length === 0) {
  step('type check', bin('tsc'), ['-p', 'tsconfig.json']);
  // The console has DOM and JSX, so it has a tsconfig of its own.
  step('type check (console)', bin('tsc'), ['-p', 'packages/console/tsconfig.json']);
  step('lint', bin('biome'), ['check', '--error-on-warnings', '.']);
}
const files =
  extra.length > 0
    ? extra
    : ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'tools/**/*.test.ts', 'bench/**/*.test.ts'];
step('tests', process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files]);
