/**
 * Users, sessions and API tokens. A token is `dlt_` + 32 random bytes; only its sha-256 is
 * stored, so a stolen database gives no usable token. Logging in makes a session token (12 h);
 * `POST /api/tokens` makes an API token that lasts until deleted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../ids.ts';
import type { Role, Store, TokenKind, TokenRecord } from '../store/store.ts';
import { looksLikeJwt, type OidcVerifier } from './oidc.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';

/** The caller of a request, once its token checked out. */
export interface Principal {
  readonly username: string;
  readonly role: Role;
  readonly tokenId: string;
  /** `oidc` for a token of the configured OIDC issuer (its username is `oidc:<name>`). */
  readonly kind: TokenKind | 'oidc';
}

/** A checked `Authorization` header: the caller, or why not (401 unknown, 403 known but no role). */
export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/** What the first start created: shown once, never stored in clear. */
export interface FirstAdmin {
  readonly username: string;
  readonly password: string;
  /** False when the password came from `DLT_ADMIN_PASSWORD`. */
  readonly generated: boolean;
}

const sessionMs = 12 * 3600_000;

export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

export class Auth {
  readonly #store: Store;
  readonly #oidc: OidcVerifier | undefined;

  constructor(store: Store, oidc?: OidcVerifier) {
    this.#store = store;
    this.#oidc = oidc;
  }

  /** The OIDC issuer's verifier, when one is configured. */
  get oidc(): OidcVerifier | undefined {
    return this.#oidc;
  }

  /** Creates `admin` when there is no user yet; undefined when users exist. */
  async bootstrap(password?: string): Promise<FirstAdmin | undefined> {
    if ((await this.#store.countUsers()) > 0) return undefined;
    const clear = password || generatePassword();
    const user = {
      username: 'admin',
      role: 'admin' as const,
      passwordHash: await hashPassword(clear),
      createdAt: now(),
    };
    if (!(await this.#store.createUser(user))) return undefined;
    return { username: 'admin', password: clear, generated: !password };
  }

  /** A session token for good credentials, undefined otherwise. */
  async login(username: string, password: string): Promise<string | undefined> {
    const user = await this.#store.getUser(username);
    // Hash even for an unknown user, so the answer takes as long either way.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok) return undefined;
    const expiresAt = new Date(Date.now() + sessionMs).toISOString();
    return (await this.issue({ name: 'session', role: user.role, kind: 'session', owner: username, expiresAt })).token;
  }

  /** Mints a token; the secret is returned once and only its hash kept. */
  async issue(t: { name: string; role: Role; kind: TokenKind; owner: string; expiresAt?: string }): Promise<{
    token: string;
    record: TokenRecord;
  }> {
    const token = `dlt_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = { tokenId: newId(), hash: hashToken(token), createdAt: now(), ...t };
    await this.#store.createToken(record);
    return { token, record };
  }

  /** The principal of an `Authorization: Bearer …` header, or undefined when it is missing, unknown or expired. */
  async authenticate(header: string | undefined): Promise<Principal | undefined> {
    const r = await this.check(header);
    return r.ok ? r.principal : undefined;
  }

  /** Checks a header: a dlt token (session or API) from the store, or a JWT of the OIDC issuer. */
  async check(header: string | undefined): Promise<AuthOutcome> {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) return { ok: false, status: 401, reason: 'send Authorization: Bearer <token> (POST /api/auth/login)' };
    if (this.#oidc && looksLikeJwt(m[1])) {
      const r = await this.#oidc.verify(m[1]);
      if (!r.ok) return r;
      const principal = { username: r.username, role: r.role, tokenId: `oidc:${r.subject}`, kind: 'oidc' as const };
      return { ok: true, principal };
    }
    const record = await this.#store.findToken(hashToken(m[1]));
    const unknown = {
      ok: false,
      status: 401,
      reason: 'the token is unknown or expired; log in again (POST /api/auth/login)',
    } as const;
    if (!record) return unknown;
    if (record.expiresAt !== undefined && record.expiresAt <= now()) {
      await this.#store.deleteToken(record.tokenId);
      return unknown;
    }
    return {
      ok: true,
      principal: { username: record.owner, role: record.role, tokenId: record.tokenId, kind: record.kind },
    };
  }
}

const now = () => new Date().toISOString();

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(generatePassword());
  return dummy;
}
