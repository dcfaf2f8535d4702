/**
 * "Sign in with …" in a real browser (Debian's Chromium): the console served by a real server
 * that trusts a real OIDC issuer on loopback. The button sends the browser to the issuer, the
 * issuer sends it back with a code, the console trades the code and its PKCE verifier at the
 * issuer's token endpoint (cross-origin, as with a real issuer), and the signed-in shell shows
 * the user with the role their groups map to; a user in no mapped group sees why not.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { oidcConfigFromEnv, type RunningServer, startServer } from '@dlt/server';
import { type Browser, chromium } from 'playwright-core';
import { startTestIssuer, type TestIssuer } from '../../server/src/auth/oidc-test-issuer.ts';
import { chromiumPath, shotsDir } from './console-kit.ts';

const consoleRoot = join(import.meta.dirname, '..');
const clientId = 'dlt-console';
let work = '';
let issuer: TestIssuer;
let server: RunningServer;
let browser: Browser;

before(async () => {
  const executablePath = await chromiumPath();
  work = await mkdtemp(join(tmpdir(), 'dlt-console-oidc-'));
  const consoleDir = join(work, 'console');
  // Built fresh, so the test sees the console's code as it is now.
  const vite = join(consoleRoot, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js');
  await promisify(execFile)(process.execPath, [vite, 'build', '--outDir', consoleDir, '--logLevel', 'error'], {
    cwd: consoleRoot,
    maxBuffer: 16 << 20,
  });
  issuer = await startTestIssuer(clientId);
  const oidc = oidcConfigFromEnv({
    DLT_OIDC_ISSUER: issuer.issuer,
    DLT_OIDC_CLIENT_ID: clientId,
    DLT_OIDC_ROLE_MAP: 'admins=admin,devs=editor',
    DLT_OIDC_NAME: 'Test IdP',
  });
  server = await startServer({
    dataDir: join(work, 'data'),
    port: 0,
    adminPassword: 'oidc-admin-pw',
    consoleDir,
    oidc,
  });
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  await mkdir(shotsDir, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await issuer?.[Symbol.asyncDispose]();
  if (work) await rm(work, { recursive: true, force: true });
});

async function signInAs(user: Record<string, unknown>) {
  issuer.user = user;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();
  return { page, errors, context };
}

test('Sign in with the issuer: PKCE round trip, then the console as the mapped role', async () => {
  const { page, errors, context } = await signInAs({ sub: 'u-9', preferred_username: 'dora', groups: ['devs'] });
  try {
    await page.getByRole('heading', { name: 'Tests' }).waitFor({ timeout: 20_000 });
    const who = (await page.locator('.who').textContent()) ?? '';
    assert.match(who, /oidc:dora/);
    assert.match(who, /editor/);
    assert.ok(!page.url().includes('code='), 'the single-use code is taken out of the address');
    assert.equal(issuer.hits.get('/token'), 1, 'one code exchange');
    await page.screenshot({ path: join(shotsDir, 'oidc-signed-in.png'), fullPage: true });
    await page.reload();
    await page.getByRole('heading', { name: 'Tests' }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a user in no mapped group is told why, and stays on the sign-in page', async () => {
  const { page, context } = await signInAs({ sub: 'u-10', preferred_username: 'eve', groups: ['marketing'] });
  try {
    await page
      .getByRole('alert')
      .getByText(/no dlt role for the groups \[marketing\]/)
      .waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#username').count(), 1, 'the password form is still there');
    await page.screenshot({ path: join(shotsDir, 'oidc-refused.png'), fullPage: true });
  } finally {
    await context.close();
  }
});
