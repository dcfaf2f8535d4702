/**
 * OIDC against a real issuer on loopback (discovery, JWKS, ES256 keys made by jose): a valid
 * token gets the role its groups map to; an expired one, one for another audience, from another
 * issuer, signed with an unknown key or with a shared secret are refused with a reason; a user
 * in no mapped group gets 403 (or the `*` role when the map has one); local users and API tokens
 * keep working; the issuer's keys are fetched once, not per request.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminPassword, type TestServer, testServer } from '../test-kit.ts';
import { groupsOf, roleFor } from './oidc.ts';
import type { OidcConfig } from './oidc-config.ts';
import { oidcConfigFromEnv, parseRoleMap } from './oidc-config.ts';
import { startTestIssuer, type TestIssuer } from './oidc-test-issuer.ts';

const clientId = 'dlt-console';
let issuer: TestIssuer;
let strict: TestServer;
let open: TestServer;

function config(roleMap: string, over: Partial<OidcConfig> = {}): OidcConfig {
  const c = oidcConfigFromEnv({
    DLT_OIDC_ISSUER: issuer.issuer,
    DLT_OIDC_CLIENT_ID: clientId,
    DLT_OIDC_ROLE_MAP: roleMap,
    DLT_OIDC_NAME: 'Test IdP',
  });
  return { ...c!, ...over };
}

before(async () => {
  issuer = await startTestIssuer(clientId);
  strict = await testServer({ oidc: config('admins=admin,devs=editor,readers=viewer') });
  open = await testServer({ oidc: config('admins=admin,*=viewer', { groupsClaim: 'realm_access.roles' }) });
});
after(async () => {
  await strict?.close();
  await open?.close();
  await issuer?.[Symbol.asyncDispose]();
});

const me = (s: TestServer, token: string) => s.call('GET', '/api/auth/me', { token });

test('GET /api/auth/oidc gives the console what it needs (public), and says disabled without OIDC', async () => {
  const r = await strict.call('GET', '/api/auth/oidc');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {
    enabled: true,
    issuer: issuer.issuer,
    clientId,
    authorizationEndpoint: `${issuer.issuer}/authorize`,
    tokenEndpoint: `${issuer.issuer}/token`,
    scopes: 'openid profile email',
    displayName: 'Test IdP',
  });
  const plain = await testServer();
  try {
    assert.deepEqual((await plain.call('GET', '/api/auth/oidc')).body, { enabled: false });
    const jwt = await issuer.sign({ groups: ['admins'] });
    assert.equal((await me(plain, jwt)).status, 401, 'a server without OIDC accepts no JWT');
  } finally {
    await plain.close();
  }
});

test('a valid token gets the highest role its groups map to, and that role is enforced', async () => {
  const editor = await issuer.sign({ preferred_username: 'alice', groups: ['readers', 'devs'] });
  assert.deepEqual((await me(strict, editor)).body, { username: 'oidc:alice', role: 'editor' });
  assert.equal((await strict.call('GET', '/api/scenarios', { token: editor })).status, 200);
  const users = await strict.call('POST', '/api/users', {
    token: editor,
    body: { username: 'bob', password: 'a-long-password', role: 'viewer' },
  });
  assert.equal(users.status, 403, 'an editor may not create users');
  const admin = await issuer.sign({ preferred_username: 'root', groups: ['admins'] });
  assert.deepEqual((await me(strict, admin)).body, { username: 'oidc:root', role: 'admin' });
  const created = await strict.call('POST', '/api/users', {
    token: admin,
    body: { username: 'bob', password: 'a-long-password', role: 'viewer' },
  });
  assert.equal(created.status, 201);
  const viewer = await issuer.sign({ email: 'v@example.com', preferred_username: undefined, groups: 'readers' });
  assert.deepEqual((await me(strict, viewer)).body, { username: 'oidc:v@example.com', role: 'viewer' });
  const minted = await strict.call('POST', '/api/tokens', { token: viewer, body: { name: 'ci', role: 'viewer' } });
  assert.equal(minted.status, 201, 'an OIDC user can make an API token (for CI or MCP)');
  assert.deepEqual((await me(strict, minted.body.token)).body, { username: 'oidc:v@example.com', role: 'viewer' });
});

test('refused tokens: expired, another audience, another issuer, an unknown key, a bad signature, a shared secret', async () => {
  const other = await issuer.otherKey();
  const cases: [string, Promise<string>, RegExp][] = [
    ['expired', issuer.sign({ exp: Math.floor(Date.now() / 1000) - 3600, groups: ['devs'] }), /expired/],
    ['another audience', issuer.sign({ aud: 'someone-else', groups: ['devs'] }), /another audience \(someone-else\)/],
    ['another issuer', issuer.sign({ iss: 'https://evil.example', groups: ['devs'] }), /not issued by/],
    ['an unknown key', issuer.sign({ groups: ['devs'] }, { key: other, kid: 'k-unknown' }), /key .* does not publish/],
    ['a known kid, another key', issuer.sign({ groups: ['devs'] }, { key: other }), /bad signature/],
    [
      'a shared secret (HS256)',
      issuer.sign({ groups: ['devs'] }, { key: new TextEncoder().encode('x'.repeat(32)) as never, alg: 'HS256' }),
      /algorithm|not valid|does not publish/,
    ],
  ];
  for (const [name, token, reason] of cases) {
    const r = await me(strict, await token);
    assert.equal(r.status, 401, name);
    assert.equal(r.body.code, 'UNAUTHORIZED', name);
    assert.match(r.body.message, reason, name);
  }
});

test('a user in no mapped group gets 403 naming the groups, or the * role when the map has one', async () => {
  const stranger = await issuer.sign({ preferred_username: 'eve', groups: ['marketing'] });
  const r = await me(strict, stranger);
  assert.equal(r.status, 403);
  assert.match(r.body.message, /oidc:eve: no dlt role for the groups \[marketing\] in claim "groups"/);
  // The other server reads Keycloak's nested realm roles and lets everyone else read.
  assert.deepEqual((await me(open, stranger)).body, { username: 'oidc:eve', role: 'viewer' });
  const nested = await issuer.sign({ preferred_username: 'kc', realm_access: { roles: ['admins'] } });
  assert.deepEqual((await me(open, nested)).body, { username: 'oidc:kc', role: 'admin' });
});

test('an access token without aud is accepted when its client_id is the client (Cognito access tokens)', async () => {
  const access = await issuer.sign({ aud: undefined, client_id: clientId, username: 'c', groups: ['devs'] });
  assert.equal((await me(strict, access)).body.role, 'editor');
  const foreign = await issuer.sign({ aud: undefined, client_id: 'another-app', groups: ['devs'] });
  assert.equal((await me(strict, foreign)).status, 401);
});

test('local users and API tokens keep working beside OIDC', async () => {
  const login = await strict.call('POST', '/api/auth/login', { body: { username: 'admin', password: adminPassword } });
  assert.equal(login.status, 200);
  assert.deepEqual((await me(strict, login.body.token)).body, { username: 'admin', role: 'admin' });
  assert.equal((await me(strict, strict.tokens.viewer)).body.role, 'viewer');
  assert.equal((await me(strict, 'dlt_unknown')).status, 401);
});

test("an admin revokes the API tokens a single sign-on user made (one who left the issuer's groups keeps none)", async () => {
  const leaver = await issuer.sign({ preferred_username: 'leaver', groups: ['admins'] });
  const minted = await strict.call('POST', '/api/tokens', { token: leaver, body: { name: 'ci', role: 'admin' } });
  assert.equal(minted.status, 201);
  const login = await strict.call('POST', '/api/auth/login', { body: { username: 'admin', password: adminPassword } });
  const admin = login.body.token as string;
  const revoked = await strict.call('DELETE', '/api/users/oidc:leaver/tokens', { token: admin });
  assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
  assert.deepEqual(revoked.body, { username: 'oidc:leaver', revokedTokens: 1 });
  assert.equal((await me(strict, minted.body.token)).status, 401, 'the token is gone');
  const none = await strict.call('DELETE', '/api/users/oidc:nobody/tokens', { token: admin });
  assert.equal(none.status, 404, 'a name with no user and no tokens is still unknown');
});

test("the issuer's discovery document and keys are fetched once and cached", async () => {
  const before = { discovery: issuer.hits.get('/.well-known/openid-configuration'), jwks: issuer.hits.get('/jwks') };
  for (let i = 0; i < 5; i++) assert.equal((await me(strict, await issuer.sign({ groups: ['devs'] }))).status, 200);
  assert.equal(issuer.hits.get('/.well-known/openid-configuration'), before.discovery, 'no new discovery fetch');
  assert.equal(issuer.hits.get('/jwks'), before.jwks, 'no new JWKS fetch');
});

test('settings from the environment: every problem named by its variable', () => {
  assert.equal(oidcConfigFromEnv({}), undefined, 'off without an issuer');
  assert.throws(
    () => oidcConfigFromEnv({ DLT_OIDC_ISSUER: 'http://idp.example.com' }),
    (e: Error) =>
      /DLT_OIDC_ISSUER.*not an https URL/.test(e.message) &&
      /DLT_OIDC_CLIENT_ID.*required/.test(e.message) &&
      /DLT_OIDC_ROLE_MAP.*required/.test(e.message),
  );
  assert.throws(
    () =>
      oidcConfigFromEnv({
        DLT_OIDC_ISSUER: 'https://idp',
        DLT_OIDC_CLIENT_ID: 'c',
        DLT_OIDC_ROLE_MAP: 'a=admin,b=root',
      }),
    /DLT_OIDC_ROLE_MAP.*item 2 "b=root"/,
  );
  const c = oidcConfigFromEnv({
    DLT_OIDC_ISSUER: 'https://idp.example.com/realms/x',
    DLT_OIDC_CLIENT_ID: 'console',
    DLT_OIDC_AUDIENCE: 'console, api',
    DLT_OIDC_GROUPS_CLAIM: 'cognito:groups',
    DLT_OIDC_ROLE_MAP: 'admins=admin, devs=editor, *=viewer',
  })!;
  assert.deepEqual(c.audiences, ['console', 'api']);
  assert.equal(c.groupsClaim, 'cognito:groups');
  assert.deepEqual(c.roleMap, [
    { group: 'admins', role: 'admin' },
    { group: 'devs', role: 'editor' },
  ]);
  assert.equal(c.defaultRole, 'viewer');
  assert.equal(roleFor(c, ['devs', 'admins']), 'admin');
  assert.equal(roleFor(c, []), 'viewer');
  assert.equal(roleFor({ ...c, defaultRole: undefined }, ['x']), undefined);
  assert.deepEqual(groupsOf({ 'cognito:groups': ['a', 1, 'b'] }, 'cognito:groups'), ['a', 'b']);
  assert.deepEqual(parseRoleMap('', []).roleMap, []);
});

test('an issuer that cannot be reached: 503 for the settings, 401 with the reason for its tokens, local users unaffected', async () => {
  const down = await testServer({
    oidc: { ...config('devs=editor'), issuer: 'http://127.0.0.1:9' },
    log: () => {},
  });
  try {
    const settings = await down.call('GET', '/api/auth/oidc');
    assert.equal(settings.status, 503);
    assert.equal(settings.body.code, 'OIDC_UNAVAILABLE');
    const r = await me(down, await issuer.sign({ groups: ['devs'] }));
    assert.equal(r.status, 401);
    assert.match(r.body.message, /cannot check OIDC tokens now/);
    assert.equal((await me(down, down.tokens.viewer)).body.role, 'viewer');
  } finally {
    await down.close();
  }
});
