/**
 * A small real OIDC issuer on loopback, for tests: the discovery document, a JWKS with one
 * signing key, an authorisation endpoint that signs the user in at once (redirecting back with
 * a code, as a real issuer does after its login page) and a token endpoint that checks the PKCE
 * verifier before it hands out an ID token. `sign` makes any token the tests need, with another
 * key or issuer when asked. It counts the requests per path, so a test can see what was cached.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface TestIssuer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  readonly issuer: string;
  /** Requests seen, by path. */
  readonly hits: Map<string, number>;
  /** A signed JWT: issuer, audience `clientId`, subject, 10 min expiry, then `claims` over them. */
  sign(claims?: JWTPayload, o?: { key?: Key; kid?: string; alg?: string }): Promise<string>;
  /** A key pair the issuer does not publish. */
  otherKey(): Promise<Key>;
  /** Claims the next authorisation-code sign-in puts in its ID token. */
  user: JWTPayload;
}

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (d) => {
      text += d;
    });
    req.on('end', () => resolve(text));
  });

export async function startTestIssuer(clientId: string): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const hits = new Map<string, number>();
  const codes = new Map<string, { challenge: string; redirectUri: string; nonce?: string }>();
  let issuer = '';
  const self: TestIssuer = {
    get issuer() {
      return issuer;
    },
    hits,
    user: { sub: 'u-1', preferred_username: 'alice', groups: ['devs'] },
    async sign(claims = {}, o = {}) {
      return new SignJWT({ iss: issuer, aud: clientId, sub: 'u-1', ...claims })
        .setProtectedHeader({ alg: o.alg ?? 'ES256', kid: o.kid ?? 'k1' })
        .setIssuedAt()
        .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : '10m')
        .sign(o.key ?? privateKey);
    },
    async otherKey() {
      return (await generateKeyPair('ES256')).privateKey;
    },
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    // The console calls the token endpoint from the browser: a real issuer allows its origin.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.method === 'OPTIONS') return res.writeHead(204).end();
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return json(200, {
          issuer,
          jwks_uri: `${issuer}/jwks`,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
        });
      case '/jwks':
        return json(200, { keys: [jwk] });
      case '/authorize': {
        const q = url.searchParams;
        if (
          q.get('client_id') !== clientId ||
          q.get('response_type') !== 'code' ||
          q.get('code_challenge_method') !== 'S256'
        )
          return json(400, { error: 'invalid_request' });
        const code = randomBytes(16).toString('base64url');
        codes.set(code, {
          challenge: q.get('code_challenge') ?? '',
          redirectUri: q.get('redirect_uri') ?? '',
          nonce: q.get('nonce') ?? undefined,
        });
        const back = new URL(q.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        return res.writeHead(302, { location: back.href }).end();
      }
      case '/token': {
        const form = new URLSearchParams(await body(req));
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (
          !grant ||
          form.get('grant_type') !== 'authorization_code' ||
          form.get('client_id') !== clientId ||
          form.get('redirect_uri') !== grant.redirectUri ||
          challenge !== grant.challenge
        )
          return json(400, { error: 'invalid_grant' });
        const idToken = await self.sign({ ...self.user, ...(grant.nonce ? { nonce: grant.nonce } : {}) });
        return json(200, { id_token: idToken, access_token: idToken, token_type: 'Bearer', expires_in: 600 });
      }
      default:
        return json(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return self;
}
