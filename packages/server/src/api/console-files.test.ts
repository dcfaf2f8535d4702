/**
 * The web console's files served at `/`: files by path, the app for its own routes (SPA
 * fallback), never a path outside the folder, `/api` kept for the API, a clear page when the
 * console is not built; and `GET /api/auth/me`, which the console reads the role from.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type TestServer, testServer } from '../test-kit.ts';
import { fileFor } from './console-files.ts';

let dir = '';
let t: TestServer;
let bare: TestServer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlt-console-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1)');
  t = await testServer({ consoleDir: dir });
  bare = await testServer({ consoleDir: join(dir, 'missing') });
});
after(async () => {
  await t.close();
  await bare.close();
  await rm(dir, { recursive: true, force: true });
});

async function get(server: TestServer, path: string) {
  const res = await fetch(server.server.url + path);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    cache: res.headers.get('cache-control'),
    text: await res.text(),
  };
}

describe('console files', () => {
  const cases = [
    { name: 'the root is the app', path: '/', status: 200, type: 'text/html', has: 'id="root"', cache: 'no-cache' },
    {
      name: 'a route of the app is the app',
      path: '/tests/abc/runs/x',
      status: 200,
      type: 'text/html',
      has: 'id="root"',
    },
    {
      name: 'an asset by path, cached for good',
      path: '/assets/app-1a2b.js',
      status: 200,
      type: 'text/javascript',
      has: 'console.log',
      cache: 'public, max-age=31536000, immutable',
    },
    {
      name: 'a missing asset is a 404, not the app',
      path: '/assets/old-9z.js',
      status: 404,
      type: 'application/json',
      has: 'NOT_FOUND',
    },
    {
      name: 'an unknown API path stays a JSON 404',
      path: '/api/nothing',
      status: 404,
      type: 'application/json',
      has: 'NOT_FOUND',
    },
    {
      name: 'an encoded climb out is the app, never the file',
      path: '/%2e%2e/%2e%2e/etc/passwd',
      status: 200,
      type: 'text/html',
      has: 'id="root"',
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await get(t, c.path);
      assert.equal(r.status, c.status, r.text);
      assert.ok(r.type.startsWith(c.type), r.type);
      assert.ok(r.text.includes(c.has), r.text);
      if (c.cache) assert.equal(r.cache, c.cache);
    });
  }

  test('the API still needs its token', async () => {
    assert.equal((await get(t, '/api/scenarios')).status, 401);
  });

  test('without a built console, / says how to build it', async () => {
    const r = await get(bare, '/');
    assert.equal(r.status, 503);
    assert.match(r.text, /not built/);
  });

  test('fileFor never leaves the folder', () => {
    const table: [string, string | undefined][] = [
      ['/index.html', join(dir, 'index.html')],
      ['/assets/a.js', join(dir, 'assets', 'a.js')],
      ['/../secret', undefined],
      ['/%2e%2e/secret', undefined],
      ['/%E0%A4%A', undefined],
    ];
    for (const [path, want] of table) assert.equal(fileFor(dir, path), want, path);
  });
});

describe('GET /api/auth/me', () => {
  test('names the caller and the role; 401 without a token', async () => {
    for (const role of ['viewer', 'editor', 'admin'] as const) {
      const r = await t.call('GET', '/api/auth/me', { token: role });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { username: 'admin', role });
    }
    assert.equal((await t.call('GET', '/api/auth/me')).status, 401);
  });
});
