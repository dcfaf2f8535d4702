/**
 * The signed-in session: the token kept in the browser's local storage (so a reload keeps it),
 * the client made with it, and who it belongs to. The console reaches the server only through
 * `@dlt/client`.
 */
import { createClient, type DltClient, type Role } from '@dlt/client';
import { type Progress, xhrFetch } from './xhr-fetch.ts';

const key = 'dlt.session';

export interface Session {
  readonly token: string;
  readonly username: string;
  readonly role: Role;
}

export function loadSession(): Session | undefined {
  try {
    const s = JSON.parse(localStorage.getItem(key) ?? 'null') as Session | null;
    return s && typeof s.token === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(s: Session | undefined): void {
  if (s) localStorage.setItem(key, JSON.stringify(s));
  else localStorage.removeItem(key);
}

/** A client of the server that served this page. */
export function clientFor(token?: string, onUpload?: Progress): DltClient {
  return createClient({ baseUrl: location.origin, token, ...(onUpload ? { fetch: xhrFetch(onUpload) } : {}) });
}

/** Logs in and reads back the role. */
export async function signIn(username: string, password: string): Promise<Session> {
  const { token } = await clientFor().login(username, password);
  const me = await clientFor(token).me();
  return { token, username: me.username, role: me.role };
}

/** Editors and admins change tests and runs; viewers only read. */
export const canEdit = (s: Session) => s.role === 'admin' || s.role === 'editor';
