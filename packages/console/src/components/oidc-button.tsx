/**
 * "Sign in with …" when the server has single sign-on: sends the user to the issuer, and when
 * the issuer sends them back to this page finishes the sign-in (once per page load, even when
 * React runs effects twice) and hands the session up like the password form does.
 */
import { useEffect, useState } from 'react';
import { beginSignIn, completeSignIn, isCallback, type OidcSettings, oidcSettings } from '../api/oidc.ts';
import { clientFor, type Session } from '../api/session.ts';
import { messageOf } from './use-api.ts';

let finishing: Promise<Session> | undefined;

async function finish(s: OidcSettings): Promise<Session> {
  const search = location.search;
  // The code is single-use: take it out of the address before anything else can reuse it.
  history.replaceState(null, '', location.pathname);
  const token = await completeSignIn(s, search, sessionStorage);
  const me = await clientFor(token).me();
  return { token, username: me.username, role: me.role };
}

/** The issuer sends the user back to the console's root. */
const redirectUri = () => `${location.origin}/`;

export function OidcButton({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [settings, setSettings] = useState<OidcSettings>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per page load
  useEffect(() => {
    let live = true;
    oidcSettings(location.origin)
      .then(async (s) => {
        if (!live || !s) return;
        setSettings(s);
        if (!finishing && !isCallback(location.search)) return;
        setBusy(true);
        finishing ??= finish(s);
        const session = await finishing;
        if (live) onSignedIn(session);
      })
      .catch((e: unknown) => {
        finishing = undefined;
        if (live) setError(messageOf(e));
      })
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, []);
  if (!settings) return null;
  const start = async () => {
    setBusy(true);
    try {
      location.assign(await beginSignIn(settings, redirectUri(), sessionStorage));
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };
  return (
    <div className="oidc-sign-in">
      <button type="button" onClick={start} disabled={busy} style={{ width: '100%' }}>
        {busy ? 'Signing in…' : `Sign in with ${settings.displayName}`}
      </button>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
