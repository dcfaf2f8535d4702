/**
 * Tokens from an OIDC issuer (Keycloak, Cognito, Auth0, Entra ID…): the issuer's discovery
 * document is fetched once, its keys through jose's remote key set (cached, fetched again when a
 * token names a key it does not know, at most every 30 s), and each token is checked for its
 * signature, issuer, audience and expiry before its groups are mapped to a dlt role.
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { type OidcConfig, type OidcRole, trustedUrl } from './oidc-config.ts';

/** What the console needs to send a user to the issuer (public; no secret). */
export interface OidcPublicConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly scopes: string;
  readonly displayName: string;
}

/** A checked token: who, with which role. */
export type OidcOutcome =
  | { readonly ok: true; readonly username: string; readonly role: OidcRole; readonly subject: string }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

interface Discovery {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

const rank: Readonly<Record<OidcRole, number>> = { viewer: 1, editor: 2, admin: 3 };
// Asymmetric only: a shared-secret (HS*) token could be forged by anyone who has the client id's secret.
const algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const maxDocumentBytes = 256 * 1024;
const retryAfterMs = 5_000;

/** Whether a bearer token looks like a JWT (three base64url parts) rather than a dlt token. */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

/** The value at a claim name, or a dotted path into nested objects when no claim has that exact name. */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  return path
    .split('.')
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), payload);
}

/** The groups claim as a list (an array of strings, or one string). */
export function groupsOf(payload: JWTPayload, claim: string): string[] {
  const v = claimAt(payload, claim);
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((g): g is string => typeof g === 'string') : [];
}

/** The highest role any of `groups` maps to, else the default role, else undefined. */
export function roleFor(config: OidcConfig, groups: readonly string[]): OidcRole | undefined {
  let best: OidcRole | undefined;
  for (const { group, role } of config.roleMap) {
    if (groups.includes(group) && (!best || rank[role] > rank[best])) best = role;
  }
  return best ?? config.defaultRole;
}

function why(e: unknown, issuer: string): string {
  if (e instanceof errors.JWTExpired) return 'the OIDC token has expired; sign in again';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'iss') return `the OIDC token was not issued by ${issuer}`;
    if (e.claim === 'nbf') return 'the OIDC token is not valid yet';
    return `the OIDC token's "${e.claim}" claim is ${e.reason === 'missing' ? 'missing' : 'not accepted'}`;
  }
  if (e instanceof errors.JWKSNoMatchingKey) return `the OIDC token is signed with a key ${issuer} does not publish`;
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'the OIDC token has a bad signature';
  if (e instanceof errors.JOSEAlgNotAllowed) return `the OIDC token's algorithm is not one of ${algorithms.join(', ')}`;
  if (e instanceof errors.JOSEError) return `the OIDC token is not valid: ${e.message}`;
  return `cannot check OIDC tokens now: ${(e as Error).message}`;
}

async function fetchJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > maxDocumentBytes) throw new Error(`GET ${url}: larger than ${maxDocumentBytes} bytes`);
  return JSON.parse(text) as Record<string, unknown>;
}

export class OidcVerifier {
  readonly config: OidcConfig;
  #discovery?: Promise<Discovery>;
  #failedAt = 0;
  #keys?: ReturnType<typeof createRemoteJWKSet>;

  constructor(config: OidcConfig) {
    this.config = config;
  }

  /** The discovery document, fetched once; a failure is retried after a few seconds, not cached. */
  discovery(): Promise<Discovery> {
    if (!this.#discovery || (this.#failedAt && Date.now() - this.#failedAt > retryAfterMs)) {
      this.#failedAt = 0;
      this.#discovery = this.#discover().catch((e: unknown) => {
        this.#failedAt = Date.now();
        throw e;
      });
    }
    return this.#discovery;
  }

  async #discover(): Promise<Discovery> {
    const base = this.config.issuer.replace(/\/+$/, '');
    const url = `${base}/.well-known/openid-configuration`;
    const doc = await fetchJson(url);
    const issuer = String(doc.issuer ?? '');
    if (issuer.replace(/\/+$/, '') !== base)
      throw new Error(`${url} names issuer "${issuer}", not ${this.config.issuer}`);
    const field = (name: string) => {
      const v = doc[name];
      if (typeof v !== 'string' || !trustedUrl(v)) throw new Error(`${url}: "${name}" is not an https URL`);
      return v;
    };
    const d = {
      issuer,
      jwksUri: field('jwks_uri'),
      authorizationEndpoint: field('authorization_endpoint'),
      tokenEndpoint: field('token_endpoint'),
    };
    this.#keys = createRemoteJWKSet(new URL(d.jwksUri), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    return d;
  }

  /** What `GET /api/auth/oidc` shows. */
  async publicConfig(): Promise<OidcPublicConfig> {
    const d = await this.discovery();
    const c = this.config;
    return {
      issuer: d.issuer,
      clientId: c.clientId,
      authorizationEndpoint: d.authorizationEndpoint,
      tokenEndpoint: d.tokenEndpoint,
      scopes: c.scopes,
      displayName: c.displayName,
    };
  }

  /** Checks a JWT and maps its groups to a role. */
  async verify(token: string): Promise<OidcOutcome> {
    const c = this.config;
    let payload: JWTPayload;
    let issuer = c.issuer;
    try {
      const d = await this.discovery();
      issuer = d.issuer;
      ({ payload } = await jwtVerify(token, this.#keys!, {
        issuer: d.issuer,
        algorithms,
        clockTolerance: 30,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      return { ok: false, status: 401, reason: why(e, issuer) };
    }
    // ID tokens carry the client id in `aud`; some access tokens (Cognito's) carry it in `client_id` instead.
    const aud = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    const audienceOk =
      aud.length > 0
        ? aud.some((a) => c.audiences.includes(a))
        : typeof payload.client_id === 'string' && c.audiences.includes(payload.client_id);
    if (!audienceOk) {
      return { ok: false, status: 401, reason: `the OIDC token is for another audience (${aud.join(', ') || 'none'})` };
    }
    const groups = groupsOf(payload, c.groupsClaim);
    const role = roleFor(c, groups);
    const name = c.usernameClaims.map((k) => payload[k]).find((v): v is string => typeof v === 'string' && v !== '');
    const username = `oidc:${name ?? payload.sub}`;
    if (!role) {
      return {
        ok: false,
        status: 403,
        reason: `${username}: no dlt role for the groups [${groups.join(', ')}] in claim "${c.groupsClaim}" (DLT_OIDC_ROLE_MAP)`,
      };
    }
    return { ok: true, username, role, subject: String(payload.sub) };
  }
}
