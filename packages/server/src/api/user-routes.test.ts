/**
 * Administering users over the API: the list, a role change (sessions end, API tokens above the
 * new role go, the rest stay), revoking every token of a user, and who may do it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestServer, testServer } from '../test-kit.ts';

let t: TestServer;
before(async () => {
  t = await testServer();
});
after(() => t.close());

const password = 'a-long-enough-password';

async function userWithTokens(username: string, role: 'editor' | 'viewer') {
  assert.equal(
    (await t.call('POST', '/api/users', { token: 'admin', body: { username, password, role } })).status,
    201,
  );
  const session = (await t.call('POST', '/api/auth/login', { body: { username, password } })).body.token as string;
  const api = await t.call('POST', '/api/tokens', { token: session, body: { name: `${username}-ci`, role } });
  assert.equal(api.status, 201, JSON.stringify(api.body));
  return { session, api: api.body.token as string };
}

test('admins list users with their roles, never a password hash; others may not', async () => {
  await userWithTokens('lisa', 'viewer');
  const list = await t.call('GET', '/api/users', { token: 'admin' });
  assert.equal(list.status, 200);
  const lisa = list.body.users.find((u: { username: string }) => u.username === 'lisa');
  assert.deepEqual(
    { ...lisa, createdAt: undefined },
    { username: 'lisa', role: 'viewer', apiTokens: 1, createdAt: undefined },
  );
  assert.ok(
    list.body.users.some((u: { username: string; role: string }) => u.username === 'admin' && u.role === 'admin'),
  );
  assert.doesNotMatch(JSON.stringify(list.body), /scrypt|passwordHash/);
  assert.equal((await t.call('GET', '/api/users', { token: 'editor' })).status, 403);
  assert.equal((await t.call('PUT', '/api/users/lisa/role', { token: 'editor', body: { role: 'admin' } })).status, 403);
});

test('a role change ends the sessions and revokes only the API tokens above the new role', async () => {
  const up = await userWithTokens('vera', 'viewer');
  const promoted = await t.call('PUT', '/api/users/vera/role', { token: 'admin', body: { role: 'editor' } });
  assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
  assert.deepEqual(promoted.body, { username: 'vera', role: 'editor', revokedTokens: 1 });
  assert.equal((await t.call('GET', '/api/auth/me', { token: up.session })).status, 401, 'the old session ended');
  assert.equal((await t.call('GET', '/api/auth/me', { token: up.api })).status, 200, 'a viewer token is within editor');
  const session = (await t.call('POST', '/api/auth/login', { body: { username: 'vera', password } })).body.token;
  assert.equal((await t.call('GET', '/api/auth/me', { token: session })).body.role, 'editor');
  const editorToken = (await t.call('POST', '/api/tokens', { token: session, body: { name: 'e', role: 'editor' } }))
    .body.token as string;
  const demoted = await t.call('PUT', '/api/users/vera/role', { token: 'admin', body: { role: 'viewer' } });
  assert.deepEqual(demoted.body, { username: 'vera', role: 'viewer', revokedTokens: 2 });
  assert.equal((await t.call('GET', '/api/auth/me', { token: editorToken })).status, 401, 'the editor token went');
  assert.equal((await t.call('GET', '/api/auth/me', { token: up.api })).status, 200, 'the viewer token stayed');
});

test('no token above the role of its creator, refused in plain words', async () => {
  const cases: [creator: 'editor' | 'viewer', role: string, message: string][] = [
    ['editor', 'admin', 'an editor cannot create an admin token'],
    ['viewer', 'editor', 'a viewer cannot create an editor token'],
    ['viewer', 'agent', 'a viewer cannot create an agent token'],
  ];
  for (const [creator, role, message] of cases) {
    const res = await t.call('POST', '/api/tokens', { token: creator, body: { name: 'up', role } });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { code: 'FORBIDDEN', message });
  }
});

test('bad role changes are refused with a reason', async () => {
  const bad = await t.call('PUT', '/api/users/lisa/role', { token: 'admin', body: { role: 'agent' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.problems[0].field, 'role');
  assert.equal(
    (await t.call('PUT', '/api/users/nobody/role', { token: 'admin', body: { role: 'viewer' } })).status,
    404,
  );
  const self = await t.call('PUT', '/api/users/admin/role', { token: 'admin', body: { role: 'viewer' } });
  assert.equal(self.status, 409);
  assert.match(self.body.message, /your own role/);
});

test('revoking a user signs them out everywhere', async () => {
  const u = await userWithTokens('otto', 'editor');
  const revoked = await t.call('DELETE', '/api/users/otto/tokens', { token: 'admin' });
  assert.deepEqual(revoked.body, { username: 'otto', revokedTokens: 2 });
  assert.equal((await t.call('GET', '/api/auth/me', { token: u.session })).status, 401);
  assert.equal((await t.call('GET', '/api/auth/me', { token: u.api })).status, 401);
  assert.equal((await t.call('DELETE', '/api/users/nobody/tokens', { token: 'admin' })).status, 404);
});
