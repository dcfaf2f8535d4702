/** Sign-in with a user of the server; the session is kept in the browser until sign-out or expiry. */
import { ApiError } from '@dlt/client';
import { type FormEvent, useState } from 'react';
import { type Session, signIn } from '../api/session.ts';
import { OidcButton } from '../components/oidc-button.tsx';
import { messageOf } from '../components/use-api.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await signIn(username.trim(), password));
    } catch (err) {
      setError(ApiError.is(err) && err.status === 401 ? 'Wrong username or password.' : messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">
          <span className="logo" aria-hidden="true">
            ◢
          </span>{' '}
          dlt
        </h1>
        <p className="muted">Distributed load testing. Sign in with your dlt user.</p>
        <label htmlFor="username">Username</label>
        <input
          id="username"
          // biome-ignore lint/a11y/noAutofocus: a sign-in page's only task starts here
          autoFocus
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <OidcButton onSignedIn={onSignedIn} />
        <p className="muted small">
          The first administrator is <code>admin</code>; <code>./dlt start</code> printed its password on the first
          start.
        </p>
      </form>
    </main>
  );
}
