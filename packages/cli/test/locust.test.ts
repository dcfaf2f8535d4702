/**
 * `dlt run` with locustfiles: a real headless Locust (Debian's python3-locust, installed here
 * when missing and root) against a counting loopback target. What the target counts is what
 * dlt reports, labels are Locust's request names, failures are Locust's, thresholds give 99,
 * a locustfile Locust cannot load gives 2 with Locust's words, and Ctrl-C ends Locust.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findLocust } from '@dlt/agent';
import type { RunSummary } from '@dlt/model';
import { runDlt, startTarget } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(here, 'fixtures', 'locust', name);
const bin = join(here, '..', 'src', 'bin.ts');

/** 500 for /fail, 200 otherwise, after reading the body. */
const answer = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
  req.resume();
  req.on('end', () => {
    res.statusCode = req.url === '/fail' ? 500 : 200;
    res.end('ok');
  });
};

before(async () => {
  await findLocust((line) => process.stderr.write(`${line}\n`));
});

test('every request Locust makes lands in the summary, labelled by its name', async () => {
  await using target = await startTarget(answer);
  const dir = await mkdtemp(join(tmpdir(), 'dlt-locust-'));
  try {
    const out = join(dir, 'summary.json');
    const r = await runDlt([
      'run',
      fixture('counting.py'),
      '-c',
      '3',
      '-d',
      '2s',
      '--url',
      target.url,
      '-q',
      '--out',
      `json=${out}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    assert.ok(target.total() > 10, `only ${target.total()} requests`);
    assert.equal(summary.totals.requests, target.total());
    assert.deepEqual(Object.keys(summary.labels).sort(), ['/fail', '/hello', '/items/[id]']);
    assert.equal(summary.labels['/items/[id]'].requests, target.hits.get('/items/1'));
    assert.equal(summary.totals.failures, target.hits.get('/fail'));
    assert.equal(summary.statusCodes['500'], target.hits.get('/fail'));
    assert.equal(summary.vusMax, 3);
    assert.ok(summary.labels['/hello'].responseTime.p50 > 0);
    assert.match(r.stdout, /\/items\/\[id\]/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a YAML test with executor: locust takes its users from concurrency and exits 99 on a crossed threshold', async () => {
  await using target = await startTarget(answer);
  const dir = await mkdtemp(join(tmpdir(), 'dlt-locust-'));
  try {
    const out = join(dir, 'summary.json');
    const r = await runDlt([
      'run',
      fixture('executor-locust.yaml'),
      '-e',
      `TARGET=${target.url}`,
      '-q',
      '-o',
      `json=${out}`,
    ]);
    assert.equal(r.code, 99, r.stderr);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    assert.equal(summary.totals.requests, target.total());
    assert.equal(summary.totals.failures, target.hits.get('/fail'));
    assert.equal(summary.vusMax, 2);
    assert.ok(Object.values(summary.thresholds).some((o) => !o.ok));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a response the locustfile refuses is a failure of kind assertion', async () => {
  await using target = await startTarget(answer);
  const dir = await mkdtemp(join(tmpdir(), 'dlt-locust-'));
  try {
    const out = join(dir, 'summary.json');
    const r = await runDlt([
      'run',
      fixture('checked-response.py'),
      '-d',
      '1s',
      '-u',
      target.url,
      '-q',
      '-o',
      `json=${out}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    assert.ok(summary.totals.requests > 0);
    assert.equal(summary.totals.failures, summary.totals.requests);
    assert.equal(summary.errors.assertion, summary.totals.requests);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a locustfile with a load shape runs its shape and stops at the run time', async () => {
  await using target = await startTarget(answer);
  const dir = await mkdtemp(join(tmpdir(), 'dlt-locust-'));
  try {
    const out = join(dir, 'summary.json');
    const r = await runDlt(['run', fixture('load-shape.py'), '-d', '2s', '-u', target.url, '-q', '-o', `json=${out}`]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    assert.ok(summary.totals.requests > 0);
    assert.equal(summary.totals.requests, target.total());
    // The shape's 3 users, not -c's default 1: the shape class is the one Locust runs.
    assert.equal(summary.vusMax, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a locustfile Locust cannot load is bad input (exit 2) with its error and line', async () => {
  const r = await runDlt(['run', fixture('syntax-error.py'), '-d', '1s', '-u', 'http://127.0.0.1:9']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /syntax-error\.py:6/);
  assert.match(r.stderr, /SyntaxError/);
  const missing = await runDlt(['run', fixture('import-error.py'), '-d', '1s', '-u', 'http://127.0.0.1:9']);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /import-error\.py:2/);
  assert.match(missing.stderr, /ModuleNotFoundError: No module named 'not_a_module_of_dlt'/);
  const none = await runDlt(['run', fixture('no-user-class.py'), '-d', '1s', '-u', 'http://127.0.0.1:9']);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /No User class found/);
});

test('a request with a very long name (a 3 kB URL) is counted, its label cut to 2048 characters', async () => {
  await using target = await startTarget(answer);
  const dir = await mkdtemp(join(tmpdir(), 'dlt-locust-'));
  try {
    const out = join(dir, 'summary.json');
    const r = await runDlt(['run', fixture('long-name.py'), '-d', '2s', '-u', target.url, '-q', '-o', `json=${out}`]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(await readFile(out, 'utf8')) as RunSummary;
    assert.ok(target.total() > 0);
    assert.equal(summary.totals.requests, target.total());
    assert.deepEqual(
      Object.keys(summary.labels).map((l) => l.length),
      [2048],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('exceptions a task raises (Locust’s error report) reach the user with their count and line', async () => {
  await using target = await startTarget(answer);
  const r = await runDlt(['run', fixture('task-error.py'), '-c', '2', '-d', '2s', '-u', target.url, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const m = /task-error\.py: a task raised (\d+) × KeyError: 'token' \(task-error\.py:11 in hello\)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  // Every request was followed by the exception (one cut short by the end may lack it).
  assert.ok(Number(m[1]) > 0 && target.total() - Number(m[1]) <= 1, `${m[1]} of ${target.total()}`);
});

test('a task that never yields is stopped past the run time with a clear error (exit 2)', async () => {
  const r = await runDlt(['run', fixture('spin-task.yaml'), '-q']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /spin-task\.py: Locust did not stop/);
  assert.match(r.stderr, /was still running 7 s after its start .* and was stopped: does a task loop without yielding/);
});

test('a locust.conf asking for distributed mode is refused with why, not left waiting for workers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-locust-'));
  try {
    await writeFile(join(dir, 'locustfile.py'), await readFile(fixture('counting.py')));
    await writeFile(join(dir, 'locust.conf'), 'master = true\nexpect-workers = 2\n');
    const r = await runDlt(['run', join(dir, 'locustfile.py'), '-d', '1s', '-u', 'http://127.0.0.1:9']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /asks for distributed mode \(master or worker\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a locustfile that never finishes importing is stopped with a clear error (exit 2)', async () => {
  process.env.DLT_LOCUST_LOAD_TIMEOUT = '3';
  try {
    const r = await runDlt(['run', fixture('import-loop.py'), '-d', '1s', '-u', 'http://127.0.0.1:9']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /import-loop\.py/);
    assert.match(r.stderr, /still loading it after 3 s and was stopped/);
  } finally {
    delete process.env.DLT_LOCUST_LOAD_TIMEOUT;
  }
});

test('a locustfile without a run time is refused before Locust starts', async () => {
  const r = await runDlt(['run', fixture('counting.py')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /needs a run time/);
  assert.match(r.stderr, /-d 30s/);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} stops Locust: the target sees no request after dlt has exited`, async () => {
    await using target = await startTarget(answer);
    const child = spawn(
      process.execPath,
      [bin, 'run', fixture('counting.py'), '-c', '2', '-d', '60s', '-u', target.url, '-q'],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const until = Date.now() + 30_000;
    while (target.total() < 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.ok(target.total() >= 20, `Locust never got going: ${stderr}`);
    child.kill(signal);
    const code = await closed;
    assert.equal(code, 0, stderr);
    const after = target.total();
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(target.total(), after, 'Locust kept sending after dlt exited');
  });
}
