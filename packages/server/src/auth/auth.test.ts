/**
 * Authorisation over every route of the API (401 without a token, 403 with too small a role, a
 * pass with enough), logins, token minting never above the minter's role, and the hashing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { apiRoutes } from '../api/app.ts';
import type { Role } from '../store/store.ts';
import { adminPassword, type TestServer, testServer } from '../test-kit.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { allows, mayGrant } from './roles.ts';

let t: TestServer;
before(async () => {
  t = await testServer();
});
after(() => t.close());

const roles: readonly Role[] = ['viewer', 'editor', 'admin', 'agent'];
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'Abc123');

describe('every route is authorised', () => {
  test('the public routes are exactly login, the OIDC sign-in settings and the OpenAPI document', () => {
    const routes = apiRoutes(t.server.context);
    const open = routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(open.sort(), ['GET /api/auth/oidc', 'GET /api/openapi.json', 'POST /api/auth/login']);
    assert.ok(routes.length >= 25, `only ${routes.length} routes`);
  });

  test('each route: 401 without a token or with a forged one, 403 below its role, a pass with it', async (c) => {
    for (const r of apiRoutes(t.server.context)) {
      if (r.access === 'public') continue;
      await c.test(`${r.method} ${r.url} (${r.access})`, async () => {
        const path = concrete(r.url);
        const body = r.method === 'GET' ? undefined : {};
        const none = await t.call(r.method, path, { body });
        assert.equal(none.status, 401, `no token: ${JSON.stringify(none.body)}`);
        assert.equal(none.body.code, 'UNAUTHORIZED');
        assert.equal((await t.call(r.method, path, { token: 'dlt_forged', body })).status, 401);
        for (const role of roles) {
          const res = await t.call(r.method, path, { token: role, body });
          if (allows(role, r.access)) assert.ok(![401, 403].includes(res.status), `${role} refused: ${res.status}`);
          else assert.equal(res.status, 403, `${role} let through with ${res.status}`);
        }
      });
    }
  });

  test('the agent endpoint refuses the upgrade without an agent token', async () => {
    const upgrade = (token?: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${t.server.url.replace('http', 'ws')}/api/agents/connect`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => {
          resolve(101);
          ws.terminate();
        });
        ws.on('error', () => resolve(0));
      });
    assert.equal(await upgrade(), 401);
    assert.equal(await upgrade(t.tokens.viewer), 403);
    assert.equal(await upgrade(t.tokens.agent), 101);
  });
});

describe('logins and tokens', () => {
  test('login gives a session token that works; wrong credentials are 401', async () => {
    const ok = await t.call('POST', '/api/auth/login', { body: { username: 'admin', password: adminPassword } });
    assert.equal(ok.status, 200);
    assert.match(ok.body.token, /^dlt_/);
    assert.equal((await t.call('GET', '/api/scenarios', { token: ok.body.token })).status, 200);
    for (const body of [
      { username: 'admin', password: 'wrong' },
      { username: 'nobody', password: adminPassword },
    ]) {
      assert.equal((await t.call('POST', '/api/auth/login', { body })).status, 401);
    }
    assert.equal((await t.call('POST', '/api/auth/login', { body: { username: 'admin' } })).status, 400);
  });

  test('tokens are never minted above the minter, shown once, listed without secrets, deletable', async () => {
    const denied = await t.call('POST', '/api/tokens', { token: 'viewer', body: { name: 'x', role: 'editor' } });
    assert.equal(denied.status, 403);
    assert.equal(
      (await t.call('POST', '/api/tokens', { token: 'viewer', body: { name: 'x', role: 'agent' } })).status,
      403,
    );
    const made = await t.call('POST', '/api/tokens', { token: 'editor', body: { name: 'ci', role: 'viewer' } });
    assert.equal(made.status, 201);
    assert.equal((await t.call('GET', '/api/scenarios', { token: made.body.token })).status, 200);
    assert.equal((await t.call('POST', '/api/scenarios', { token: made.body.token, body: {} })).status, 403);
    const listed = await t.call('GET', '/api/tokens', { token: 'admin' });
    assert.ok(listed.body.tokens.every((k: object) => !('hash' in k) && !('token' in k)));
    const del = await t.call('DELETE', `/api/tokens/${made.body.tokenId}`, { token: 'admin' });
    assert.equal(del.status, 200);
    assert.equal((await t.call('GET', '/api/scenarios', { token: made.body.token })).status, 401);
  });

  test('an admin creates users; a user logs in with the role given', async () => {
    const body = { username: 'ops', password: 'a-long-password', role: 'viewer' };
    assert.equal((await t.call('POST', '/api/users', { token: 'admin', body })).status, 201);
    assert.equal((await t.call('POST', '/api/users', { token: 'admin', body })).status, 409);
    const short = await t.call('POST', '/api/users', {
      token: 'admin',
      body: { ...body, username: 'b', password: 'short' },
    });
    assert.equal(short.body.problems[0].field, 'password');
    const login = await t.call('POST', '/api/auth/login', { body: { username: 'ops', password: 'a-long-password' } });
    assert.equal((await t.call('POST', '/api/scenarios', { token: login.body.token, body: {} })).status, 403);
  });
});

test('role rules: who may use what, who may mint what', () => {
  const cases: [Role, 'viewer' | 'editor' | 'admin' | 'agent', boolean][] = [
    ['viewer', 'viewer', true],
    ['viewer', 'editor', false],
    ['editor', 'admin', false],
    ['admin', 'agent', true],
    ['agent', 'viewer', false],
    ['editor', 'agent', false],
  ];
  for (const [role, access, ok] of cases) assert.equal(allows(role, access), ok, `${role} on ${access}`);
  assert.equal(mayGrant('editor', 'agent'), true);
  assert.equal(mayGrant('viewer', 'agent'), false);
  assert.equal(mayGrant('editor', 'admin'), false);
  assert.equal(mayGrant('agent', 'agent'), false);
});

test('passwords hash with scrypt and verify only the right one', async () => {
  const h = await hashPassword('correct horse');
  assert.match(h, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse', h), true);
  assert.equal(await verifyPassword('wrong horse', h), false);
  assert.notEqual(await hashPassword('correct horse'), h);
});
