/**
 * Single sign-on from the console: the authorisation code flow with PKCE for a public client.
 * The server says which issuer (`GET /api/auth/oidc`); the console sends the user there with a
 * code challenge, a state and a nonce kept in session storage, and on the way back trades the
 * code and its verifier for an ID token at the issuer's token endpoint. The server checks that
 * token on every call, so the console keeps nothing else. Written against `fetch`, Web Crypto
 * and a storage passed in, so it runs (and is tested) outside a browser too.
 */

/** What `GET /api/auth/oidc` says when single sign-on is on. */
export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly scopes: string;
  readonly displayName: string;
}

/** The part of `sessionStorage` used here. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface Pending {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly redirectUri: string;
}

const pendingKey = 'dlt.oidc.pending';

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

/** `bytes` random bytes, base64url (43 characters for 32 bytes: a valid PKCE verifier). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier. */
export async function pkceChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** The server's single sign-on settings, or undefined when it has none (or cannot say). */
export async function oidcSettings(baseUrl: string, doFetch: typeof fetch = fetch): Promise<OidcSettings | undefined> {
  const res = await doFetch(`${baseUrl.replace(/\/+$/, '')}/api/auth/oidc`, {
    headers: { accept: 'application/json' },
  }).catch(() => undefined);
  if (!res?.ok) return undefined;
  const body = (await res.json()) as { enabled?: boolean } & Partial<OidcSettings>;
  return body.enabled && body.authorizationEndpoint && body.tokenEndpoint && body.clientId
    ? (body as OidcSettings)
    : undefined;
}

/** Remembers a fresh verifier, state and nonce, and gives the issuer URL to send the user to. */
export async function beginSignIn(s: OidcSettings, redirectUri: string, storage: KeyValueStore): Promise<string> {
  const pending: Pending = { verifier: randomToken(), state: randomToken(16), nonce: randomToken(16), redirectUri };
  storage.setItem(pendingKey, JSON.stringify(pending));
  const url = new URL(s.authorizationEndpoint);
  const q = url.searchParams;
  q.set('response_type', 'code');
  q.set('client_id', s.clientId);
  q.set('redirect_uri', redirectUri);
  q.set('scope', s.scopes);
  q.set('state', pending.state);
  q.set('nonce', pending.nonce);
  q.set('code_challenge', await pkceChallenge(pending.verifier));
  q.set('code_challenge_method', 'S256');
  return url.href;
}

/** Whether a page address is the issuer sending the user back (a code or an error, with a state). */
export function isCallback(search: string): boolean {
  const q = new URLSearchParams(search);
  return q.has('state') && (q.has('code') || q.has('error'));
}

function claimsOf(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const text = atob(part.replaceAll('-', '+').replaceAll('_', '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
}

/**
 * Finishes a sign-in from the address the issuer sent the user back to: checks the state
 * against the one remembered (used once), trades the code for tokens, checks the ID token's
 * nonce, and returns the ID token (the bearer token for the API; the server verifies it).
 */
export async function completeSignIn(
  s: OidcSettings,
  search: string,
  storage: KeyValueStore,
  doFetch: typeof fetch = fetch,
): Promise<string> {
  const q = new URLSearchParams(search);
  const text = storage.getItem(pendingKey);
  storage.removeItem(pendingKey);
  if (q.has('error')) throw new Error(`${s.displayName}: ${q.get('error_description') || q.get('error')}`);
  const pending = text ? (JSON.parse(text) as Pending) : undefined;
  if (!pending || pending.state !== q.get('state')) {
    throw new Error('this sign-in answer does not match a sign-in started here; start again');
  }
  const res = await doFetch(s.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: q.get('code') ?? '',
      redirect_uri: pending.redirectUri,
      client_id: s.clientId,
      code_verifier: pending.verifier,
    }).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as {
    id_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!res.ok || !body.id_token) {
    const why = body.error_description || body.error || `HTTP ${res.status}`;
    throw new Error(`${s.displayName} refused the sign-in: ${why}`);
  }
  if (claimsOf(body.id_token).nonce !== pending.nonce)
    throw new Error(`${s.displayName}: the ID token's nonce does not match`);
  return body.id_token;
}
