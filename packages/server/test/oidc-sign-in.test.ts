/**
 * The console's single sign-on code (packages/console/src/api/oidc.ts) against a real issuer on
 * loopback and the real server: the settings from GET /api/auth/oidc, the redirect with a PKCE
 * challenge, state and nonce, the issuer's answer, the code exchange, and the ID token the
 * server then accepts with the mapped role. A replayed or forged answer and a refused exchange
 * fail with a clear message.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  beginSignIn,
  completeSignIn,
  isCallback,
  type KeyValueStore,
  oidcSettings,
} from '../../console/src/api/oidc.ts';
import { oidcConfigFromEnv } from '../src/auth/oidc-config.ts';
import { startTestIssuer, type TestIssuer } from '../src/auth/oidc-test-issuer.ts';
import { type TestServer, testServer } from '../src/test-kit.ts';

const clientId = 'dlt-console';
const consoleUrl = 'http://console.test/';
let issuer: TestIssuer;
let t: TestServer;

before(async () => {
  issuer = await startTestIssuer(clientId);
  const oidc = oidcConfigFromEnv({
    DLT_OIDC_ISSUER: issuer.issuer,
    DLT_OIDC_CLIENT_ID: clientId,
    DLT_OIDC_ROLE_MAP: 'admins=admin,devs=editor',
    DLT_OIDC_NAME: 'Test IdP',
  });
  t = await testServer({ oidc });
});
after(async () => {
  await t?.close();
  await issuer?.[Symbol.asyncDispose]();
});

function memoryStore(): KeyValueStore & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

/** What the browser does at the issuer: follow the authorise URL to the redirect back, and keep its query. */
async function visitIssuer(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  const back = new URL(res.headers.get('location') ?? '');
  assert.equal(`${back.origin}${back.pathname}`, consoleUrl);
  return back.search;
}

test('sign in with the authorisation code and PKCE: the ID token works on the API with the mapped role', async () => {
  const settings = await oidcSettings(t.server.url);
  assert.ok(settings, 'the server offers single sign-on');
  assert.equal(settings.displayName, 'Test IdP');
  const storage = memoryStore();
  const url = new URL(await beginSignIn(settings, consoleUrl, storage));
  assert.equal(`${url.origin}${url.pathname}`, `${issuer.issuer}/authorize`);
  const pending = JSON.parse(storage.map.get('dlt.oidc.pending') ?? '{}');
  const q = url.searchParams;
  assert.equal(q.get('client_id'), clientId);
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.equal(q.get('code_challenge'), createHash('sha256').update(pending.verifier).digest('base64url'));
  assert.match(pending.verifier, /^[\w-]{43}$/, 'a 43-character verifier (RFC 7636)');
  assert.equal(q.get('state'), pending.state);
  assert.equal(q.get('nonce'), pending.nonce);
  assert.equal(q.get('scope'), 'openid profile email');

  issuer.user = { sub: 'u-7', preferred_username: 'dora', groups: ['devs'] };
  const search = await visitIssuer(url.href);
  assert.ok(isCallback(search));
  const token = await completeSignIn(settings, search, storage);
  assert.equal(storage.map.size, 0, 'the verifier is used once');
  const me = await t.call('GET', '/api/auth/me', { token });
  assert.deepEqual(me.body, { username: 'oidc:dora', role: 'editor' });

  await assert.rejects(completeSignIn(settings, search, storage), /does not match a sign-in started here/, 'no replay');
});

test('a forged state, a refused exchange and an error from the issuer each fail with a clear message', async () => {
  const settings = (await oidcSettings(t.server.url))!;
  const storage = memoryStore();
  const search = await visitIssuer(await beginSignIn(settings, consoleUrl, storage));
  const forged = search.replace(/state=[^&]+/, 'state=forged');
  await assert.rejects(completeSignIn(settings, forged, storage), /does not match/);

  // Another sign-in's verifier for this code: the issuer refuses the PKCE check.
  const mine = memoryStore();
  const code = await visitIssuer(await beginSignIn(settings, consoleUrl, mine));
  const other = memoryStore();
  await beginSignIn(settings, consoleUrl, other);
  const { state } = JSON.parse(mine.map.get('dlt.oidc.pending')!);
  other.setItem('dlt.oidc.pending', JSON.stringify({ ...JSON.parse(other.map.get('dlt.oidc.pending')!), state }));
  await assert.rejects(completeSignIn(settings, code, other), /Test IdP refused the sign-in: invalid_grant/);

  const denied = memoryStore();
  await beginSignIn(settings, consoleUrl, denied);
  await assert.rejects(
    completeSignIn(settings, '?error=access_denied&error_description=not+allowed&state=x', denied),
    /Test IdP: not allowed/,
  );
  assert.equal(await oidcSettings('http://127.0.0.1:1'), undefined, 'no server, no button');
});
