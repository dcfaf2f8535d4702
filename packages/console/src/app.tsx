/**
 * The app: sign-in when there is no session, else the shell (navigation, the signed-in user,
 * sign-out) around the page the address names.
 */
import { useEffect, useMemo, useState } from 'react';
import { canEdit, clientFor, loadSession, type Session, saveSession } from './api/session.ts';
import { PageErrorBoundary } from './components/error-boundary.tsx';
import { Link } from './components/link.tsx';
import { SessionContext, type SessionValue } from './components/session-context.tsx';
import { Empty } from './components/states.tsx';
import { AccessPage } from './pages/access-page.tsx';
import { ComparePage } from './pages/compare-page.tsx';
import { RegionsPage } from './pages/regions-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { TestForm } from './pages/test-form.tsx';
import { TestPage } from './pages/test-page.tsx';
import { TestsList } from './pages/tests-list.tsx';
import { type Page, pathOf, usePage } from './router.ts';

function Content({ page, session }: { page: Page; session: Session }) {
  const editor = canEdit(session);
  const readOnly = (
    <Empty>Your role ({session.role}) cannot change tests. Ask an administrator for the editor role.</Empty>
  );
  switch (page.name) {
    case 'tests':
      return <TestsList />;
    case 'new':
      return editor ? <TestForm mode="new" /> : readOnly;
    case 'edit':
    case 'copy':
      return editor ? <TestForm key={`${page.name}${page.testId}`} mode={page.name} testId={page.testId} /> : readOnly;
    case 'test':
      return <TestPage key={page.testId} testId={page.testId} />;
    case 'run':
      return <RunPage key={page.runId} testId={page.testId} runId={page.runId} />;
    case 'compare':
      return <ComparePage testId={page.testId} runId={page.runId} withRun={page.withRun} />;
    case 'regions':
      return <RegionsPage />;
    case 'access':
      return <AccessPage />;
    case 'missing':
      return (
        <Empty>
          Nothing here ({page.path}). <Link to={{ name: 'tests' }}>Back to the tests</Link>.
        </Empty>
      );
  }
}

/** The browser tab's title for a page (history and tabs then tell pages apart). */
const titles: Record<Page['name'], string> = {
  tests: 'Tests',
  new: 'New test',
  test: 'Test',
  edit: 'Edit test',
  copy: 'Copy test',
  run: 'Run',
  compare: 'Compare runs',
  regions: 'Regions & agents',
  access: 'Users & tokens',
  missing: 'Not found',
};

function Shell({ value, page }: { value: SessionValue; page: Page }) {
  useEffect(() => {
    document.title = `${titles[page.name]} · dlt`;
  }, [page.name]);
  const nav: [Page, string, boolean][] = [
    [{ name: 'tests' }, 'Tests', ['tests', 'new', 'test', 'edit', 'copy', 'run', 'compare'].includes(page.name)],
    [{ name: 'regions' }, 'Regions & agents', page.name === 'regions'],
    [{ name: 'access' }, value.session.role === 'admin' ? 'Users & tokens' : 'API tokens', page.name === 'access'],
  ];
  return (
    <div className="shell">
      <header className="top">
        <Link to={{ name: 'tests' }} className="brand">
          <span className="logo" aria-hidden="true">
            ◢
          </span>{' '}
          dlt
        </Link>
        <nav aria-label="Main">
          {nav.map(([to, label, current]) => (
            <Link key={label} to={to} className={current ? 'current' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <div className="who">
          <span>
            {value.session.username} <span className="role">{value.session.role}</span>
          </span>
          <button type="button" onClick={value.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page">
        <PageErrorBoundary key={pathOf(page)}>
          <Content page={page} session={value.session} />
        </PageErrorBoundary>
      </main>
    </div>
  );
}

export function App() {
  const [session, setSession] = useState(loadSession);
  const page = usePage();
  const value = useMemo<SessionValue | null>(() => {
    if (!session) return null;
    return {
      session,
      client: clientFor(session.token),
      signOut: () => {
        saveSession(undefined);
        setSession(undefined);
      },
    };
  }, [session]);
  if (!value) {
    return (
      <SignIn
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={value}>
      <Shell value={value} page={page} />
    </SessionContext.Provider>
  );
}
