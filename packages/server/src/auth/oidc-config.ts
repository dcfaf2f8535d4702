/**
 * The optional OIDC set-up, read from the environment: which issuer's tokens the server
 * accepts, for which audience, and how the token's groups map to dlt roles. Every problem is
 * reported at once, naming its variable, so a bad set-up stops the start rather than letting
 * everyone in (or no one).
 */
import { badInput, type Problem } from '@dlt/model';

/** A role an OIDC group may map to (never `agent`). */
export type OidcRole = 'admin' | 'editor' | 'viewer';

export interface OidcConfig {
  /** The issuer URL, exactly as its tokens' `iss` (https, or http on loopback). */
  readonly issuer: string;
  /** The console's public client id (authorisation code with PKCE). */
  readonly clientId: string;
  /** Accepted `aud` values (default: the client id). */
  readonly audiences: readonly string[];
  /** The claim holding the user's groups; a dotted path reaches into objects (`realm_access.roles`). */
  readonly groupsClaim: string;
  /** Group → role, in order; the highest role of the matching groups wins. */
  readonly roleMap: readonly { readonly group: string; readonly role: OidcRole }[];
  /** The role of a user in none of the groups; undefined refuses them (403). From `*=ROLE`. */
  readonly defaultRole?: OidcRole;
  /** Claims tried in order for the user's name (shown as `oidc:<name>`). */
  readonly usernameClaims: readonly string[];
  /** The scopes the console asks for. */
  readonly scopes: string;
  /** What the console's button says: "Sign in with <name>". */
  readonly displayName: string;
}

const roleNames: readonly OidcRole[] = ['admin', 'editor', 'viewer'];

/** Whether a URL may carry tokens or keys: https, or http to this machine only. */
export function trustedUrl(text: string): boolean {
  try {
    const u = new URL(text);
    if (u.protocol === 'https:') return true;
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

/** Parses `admins=admin,devs=editor,*=viewer`. */
export function parseRoleMap(text: string, problems: Problem[]): Pick<OidcConfig, 'roleMap' | 'defaultRole'> {
  const roleMap: { group: string; role: OidcRole }[] = [];
  let defaultRole: OidcRole | undefined;
  for (const [i, item] of text.split(',').entries()) {
    if (item.trim() === '') continue;
    const m = /^\s*([^=]+?)\s*=\s*([a-z]+)\s*$/.exec(item);
    const role = m?.[2] as OidcRole | undefined;
    if (!m || !role || !roleNames.includes(role)) {
      problems.push({
        field: 'DLT_OIDC_ROLE_MAP',
        message: `item ${i + 1} "${item.trim()}" is not GROUP=ROLE with ROLE admin, editor or viewer`,
        hint: 'e.g. DLT_OIDC_ROLE_MAP="dlt-admins=admin,dlt-devs=editor,*=viewer"',
      });
    } else if (m[1] === '*') defaultRole = role;
    else roleMap.push({ group: m[1], role });
  }
  if (roleMap.length === 0 && defaultRole === undefined) {
    problems.push({
      field: 'DLT_OIDC_ROLE_MAP',
      message: 'maps no group to a role',
      hint: 'e.g. "dlt-admins=admin,*=viewer"',
    });
  }
  return { roleMap, ...(defaultRole ? { defaultRole } : {}) };
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The OIDC set-up from `DLT_OIDC_*`, or undefined when `DLT_OIDC_ISSUER` is not set. */
export function oidcConfigFromEnv(env: Readonly<Record<string, string | undefined>>): OidcConfig | undefined {
  const issuer = env.DLT_OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  const problems: Problem[] = [];
  if (!trustedUrl(issuer)) {
    problems.push({ field: 'DLT_OIDC_ISSUER', message: `"${issuer}" is not an https URL (http only on loopback)` });
  }
  const clientId = env.DLT_OIDC_CLIENT_ID?.trim() ?? '';
  if (!clientId) problems.push({ field: 'DLT_OIDC_CLIENT_ID', message: 'is required with DLT_OIDC_ISSUER' });
  const audiences = list(env.DLT_OIDC_AUDIENCE);
  const groupsClaim = env.DLT_OIDC_GROUPS_CLAIM?.trim() || 'groups';
  const roleText = env.DLT_OIDC_ROLE_MAP ?? '';
  if (!roleText.trim()) {
    problems.push({
      field: 'DLT_OIDC_ROLE_MAP',
      message: 'is required with DLT_OIDC_ISSUER (who gets which role; "*=viewer" lets every user of the issuer read)',
    });
  }
  const roles = roleText.trim() ? parseRoleMap(roleText, problems) : { roleMap: [] };
  if (problems.length > 0) throw badInput(problems, 'bad OIDC settings');
  return {
    issuer,
    clientId,
    audiences: audiences.length > 0 ? audiences : [clientId],
    groupsClaim,
    ...roles,
    usernameClaims: list(env.DLT_OIDC_USERNAME_CLAIM ?? 'preferred_username,email,sub'),
    scopes: env.DLT_OIDC_SCOPES?.trim() || 'openid profile email',
    displayName: env.DLT_OIDC_NAME?.trim() || 'single sign-on',
  };
}
