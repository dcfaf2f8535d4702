/**
 * A Locust run through `runLocal`, as `dlt run` and agents use it: its requests arrive second
 * by second (live views and the result's timeline add up to its totals, users are shown), and
 * an abort-on-fail threshold stops Locust early.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { findLocust, runLocal, type SecondView } from '@dlt/agent';

const fixtures = join(import.meta.dirname, '..', '..', 'cli', 'test', 'fixtures', 'locust');

before(async () => {
  await findLocust((line) => process.stderr.write(`${line}\n`));
});

async function target() {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    req.on('end', () => {
      res.statusCode = req.url === '/fail' ? 500 : 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => count,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

test('Locust’s requests arrive second by second: live views and the timeline add up to the totals', async () => {
  await using t = await target();
  const views: SecondView[] = [];
  const out = await runLocal(
    { kind: 'file', path: join(fixtures, 'counting.py'), load: { overrides: { vus: 2, duration: '3s', url: t.url } } },
    { onSecond: (v) => views.push(v) },
  );
  assert.equal(out.result.totals.requests, t.count());
  const timeline = out.result.timeline.reduce((n, s) => n + s.totals.requests, 0);
  assert.equal(timeline, out.result.totals.requests);
  assert.ok(views.length >= 2, `${views.length} live seconds`);
  assert.ok(views.filter((v) => v.snapshot.totals.requests > 0).length >= 2, 'requests spread over seconds');
  assert.ok(
    views.some((v) => v.vus === 2),
    'the running users are shown',
  );
  assert.equal(out.result.vusMax, 2);
});

test('an abort-on-fail threshold stops Locust early', async () => {
  await using t = await target();
  const dir = await mkdtemp(join(tmpdir(), 'dlt-locust-abort-'));
  try {
    await copyFile(join(fixtures, 'counting.py'), join(dir, 'counting.py'));
    const yaml = join(dir, 'abort.yaml');
    await writeFile(
      yaml,
      [
        'execution:',
        '  - executor: locust',
        '    concurrency: 2',
        '    hold-for: 60s',
        'scenarios:',
        '  shop:',
        `    default-address: ${t.url}`,
        '    script: counting.py',
        'thresholds:',
        '  http_req_failed:',
        '    - threshold: rate<0.01',
        '      abortOnFail: true',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const out = await runLocal({ kind: 'file', path: yaml, load: {} });
    assert.equal(out.abortedByThreshold, true);
    assert.equal(out.thresholdsCrossed, true);
    assert.ok(Date.now() - started < 30_000, 'stopped long before its 60 s');
    const settled = t.count();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(t.count(), settled, 'Locust kept sending after the abort');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
