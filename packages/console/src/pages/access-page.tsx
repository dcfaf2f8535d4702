/**
 * Access: the signed-in user's API tokens (create — the secret shown once — and revoke) and, for
 * administrators, the server's users (create, change role, revoke every token of one).
 */
import type { CreatedToken, Role } from '@dlt/client';
import { type FormEvent, useState } from 'react';
import { useConfirm } from '../components/confirm.tsx';
import { useSession } from '../components/session-context.tsx';
import { Empty, ErrorNote, Gate } from '../components/states.tsx';
import { useApi } from '../components/use-api.ts';
import { num, when } from '../lib/format.ts';

const grantable: Record<Role, readonly Role[]> = {
  admin: ['admin', 'editor', 'viewer', 'agent'],
  editor: ['editor', 'viewer'],
  viewer: ['viewer'],
  agent: [],
};

function Tokens({ titled }: { titled: boolean }) {
  const { client, session } = useSession();
  const tokens = useApi((c) => c.listTokens(), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(
    grantable[session.role].includes('viewer') ? 'viewer' : (grantable[session.role][0] ?? 'viewer'),
  );
  const [created, setCreated] = useState<CreatedToken>();
  const [error, setError] = useState<unknown>();
  const [dialog, ask] = useConfirm();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      setCreated(await client.createToken({ name: name.trim(), role }));
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (tokenId: string, tokenName: string) => {
    if (!(await ask(`Revoke the token "${tokenName}"? Whatever uses it stops working at once.`, 'Revoke'))) return;
    setError(undefined);
    try {
      await client.deleteToken(tokenId);
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section>
      {dialog}
      {/* A viewer's page is only this section, already named by the page's heading. */}
      {titled && <h2>API tokens</h2>}
      <p className="muted">
        For the CLI, CI jobs and agents: <code>DLT_TOKEN=…</code>. A token never has a role above yours.
      </p>
      <form className="inline-form" onSubmit={create}>
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            placeholder="ci-nightly"
          />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {grantable[session.role].map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={name.trim() === ''}>
          Create token
        </button>
      </form>
      {created && (
        <div className="state notice" role="status">
          Token <strong>{created.name}</strong> created. Copy it now; it is not shown again:
          <pre className="secret">{created.token}</pre>
          <CopyButton text={created.token} />
        </div>
      )}
      {error ? <ErrorNote error={error} /> : null}
      <Gate {...tokens}>
        {(d) =>
          d.tokens.length === 0 ? (
            <Empty>No API tokens.</Empty>
          ) : (
            <table className="grid">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Created</th>
                  <th>Expires</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.tokens.map((t) => (
                  <tr key={t.tokenId}>
                    <td>{t.name}</td>
                    <td>{t.role}</td>
                    <td>{when(t.createdAt)}</td>
                    <td>{when(t.expiresAt)}</td>
                    <td className="num">
                      <button type="button" className="danger small" onClick={() => void revoke(t.tokenId, t.name)}>
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Gate>
    </section>
  );
}

type UserRole = 'admin' | 'editor' | 'viewer';

function NewUser({ onCreated }: { onCreated: () => void }) {
  const { client } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('viewer');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setDone('');
    try {
      await client.createUser({ username: username.trim(), password, role });
      setDone(`User ${username.trim()} created as ${role}.`);
      setUsername('');
      setPassword('');
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <form className="inline-form" onSubmit={create} aria-label="New user">
        <label>
          Username
          <input value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={12}
            autoComplete="new-password"
            placeholder="12 characters or more"
          />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
            <option>viewer</option>
            <option>editor</option>
            <option>admin</option>
          </select>
        </label>
        <button type="submit" className="primary">
          Create user
        </button>
      </form>
      {done && (
        <p className="state notice" role="status">
          {done}
        </p>
      )}
      {error ? <ErrorNote error={error} title="The user was not created" /> : null}
    </>
  );
}

function Users() {
  const { client, session } = useSession();
  const users = useApi((c) => c.listUsers(), []);
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const [dialog, ask] = useConfirm();
  const act = async (what: () => Promise<string>) => {
    setError(undefined);
    setNote('');
    try {
      setNote(await what());
      users.reload();
    } catch (err) {
      setError(err);
    }
  };
  const changeRole = async (username: string, role: UserRole) => {
    if (
      !(await ask(
        `Make ${username} ${role === 'admin' ? 'an' : 'a'} ${role}? They are signed out, and their API tokens above ${role} are revoked.`,
        'Change role',
      ))
    ) {
      users.reload();
      return;
    }
    await act(async () => {
      const r = await client.setUserRole(username, role);
      return `${username} is now ${role}; ${r.revokedTokens} token(s) revoked.`;
    });
  };
  const revoke = async (username: string) => {
    if (!(await ask(`Revoke every session and API token of ${username}? They must sign in again.`, 'Revoke'))) return;
    await act(
      async () => `${(await client.revokeUserTokens(username)).revokedTokens} token(s) of ${username} revoked.`,
    );
  };
  return (
    <section>
      {dialog}
      <h2>Users</h2>
      <NewUser onCreated={users.reload} />
      {note && (
        <p className="state notice" role="status">
          {note}
        </p>
      )}
      {error ? <ErrorNote error={error} /> : null}
      <Gate {...users}>
        {(d) => (
          <table className="grid">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th className="num">API tokens</th>
                <th>Created</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {d.users.map((u) => (
                <tr key={u.username}>
                  <td>
                    <strong>{u.username}</strong>
                    {u.username === session.username ? <span className="muted"> (you)</span> : null}
                  </td>
                  <td>
                    {u.username === session.username || u.role === 'agent' ? (
                      u.role
                    ) : (
                      <select
                        aria-label={`Role of ${u.username}`}
                        value={u.role}
                        onChange={(e) => void changeRole(u.username, e.target.value as UserRole)}
                      >
                        <option>viewer</option>
                        <option>editor</option>
                        <option>admin</option>
                      </select>
                    )}
                  </td>
                  <td className="num">{num(u.apiTokens, 0)}</td>
                  <td>{when(u.createdAt)}</td>
                  <td className="num">
                    {u.username !== session.username && (
                      <button type="button" className="danger small" onClick={() => void revoke(u.username)}>
                        Revoke access
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Gate>
    </section>
  );
}

export function AccessPage() {
  const { session } = useSession();
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>{session.role === 'admin' ? 'Users & tokens' : 'API tokens'}</h1>
        </div>
      </div>
      {session.role === 'admin' && <Users />}
      <Tokens titled={session.role === 'admin'} />
    </section>
  );
}

/** Copies a secret to the clipboard and says so (or says to select it when the browser refuses). */
function CopyButton({ text }: { text: string }) {
  const [said, setSaid] = useState('');
  const copy = () =>
    navigator.clipboard
      .writeText(text)
      .then(() => setSaid('Copied.'))
      .catch(() => setSaid('The browser refused; select the token and copy it.'));
  return (
    <p className="actions">
      <button type="button" onClick={() => void copy()}>
        Copy token
      </button>
      <span aria-live="polite" className="muted small">
        {said}
      </span>
    </p>
  );
}
