/**
 * The whole suite, as `npm test` runs it: type check, lint, then every test file under
 * node:test. Extra arguments are passed to node --test (e.g. a file or --test-name-pattern).
 */
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** Runs node with `args` under a title; true when it passed. */
function run(title: string, args: string[]): boolean {
  process.stderr.write(`\n== ${title}\n`);
  return spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status === 0;
}

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
const patterns = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'tools/**/*.test.ts',
  'bench/**/*.test.ts',
];

/**
 * Files whose assertions hold against the clock (a schedule kept to a few ms, percentiles within
 * 2 ms of a known delay). They run alone, after the rest, so that another test's browser or
 * processes cannot take the CPU they measure with.
 */
const alone = [
  'packages/engine/src/executors/open-model.test.ts',
  'packages/engine/src/executors/closed-model.test.ts',
  'packages/cli/test/run.test.ts',
  'packages/server/test/e2e.test.ts',
  // Ten agents' start spread under 10 ms; one region's latency 60 ms above another's.
  'packages/server/test/remote-agents.test.ts',
];

const nodeTest = ['--test', '--test-timeout=300000'];
if (extra.length > 0) {
  step('tests', process.execPath, [...nodeTest, '--test-concurrency=2', ...extra]);
} else {
  const all = patterns.flatMap((p) => globSync(p, { cwd: root, exclude: (f) => f.includes('node_modules') })).sort();
  const rest = all.filter((f) => !alone.includes(f));
  const failed: string[] = [];
  if (!run('tests', [...nodeTest, '--test-concurrency=2', ...rest])) failed.push('tests');
  if (!run('tests measured against the clock, one file at a time', [...nodeTest, '--test-concurrency=1', ...alone]))
    failed.push('timed tests');
  if (failed.length > 0) {
    process.stderr.write(`\n${failed.join(' and ')} failed\n`);
    process.exit(1);
  }
}
