/** The states every page shows while data is not there: loading, empty, and a readable error. */
import { ApiError } from '@dlt/client';
import type { ReactNode } from 'react';
import { Link } from './link.tsx';
import { messageOf } from './use-api.ts';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="state loading" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** The server's message (and each problem it listed); the code for those who report it. */
export function ErrorNote({ error, title = 'That did not work' }: { error: unknown; title?: string }) {
  const problems = ApiError.is(error) ? (error.problems as { field?: string; message?: string }[]) : [];
  return (
    <div className="state error" role="alert">
      <strong>{title}.</strong> {messageOf(error)}
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity of their own
            <li key={i}>
              {p.field ? <code>{p.field}</code> : null} {p.message}
            </li>
          ))}
        </ul>
      )}
      {ApiError.is(error) && error.status > 0 && <span className="code">{error.code}</span>}
    </div>
  );
}

/** Why a run failed, as the server wrote it: every line (a script's problems come one per line). */
export function FailureReason({ reason, title }: { reason: string; title: string }) {
  return (
    <div className="state error" role="alert">
      <strong>{title}.</strong>
      <pre className="reason">{reason}</pre>
    </div>
  );
}

/** Loading, error, or the children built from the data. */
export function Gate<T>({
  data,
  error,
  loading,
  reload,
  children,
}: {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again: offered as "Try again" beside the error (the server may be back). */
  reload?: () => void;
  children: (d: T) => ReactNode;
}) {
  if (error) {
    return (
      <>
        <ErrorNote error={error} title="Could not load this" />
        <p className="actions">
          {reload && (
            <button type="button" onClick={reload} disabled={loading}>
              {loading ? 'Trying…' : 'Try again'}
            </button>
          )}
          <Link to={{ name: 'tests' }}>Back to the tests</Link>
        </p>
      </>
    );
  }
  if (loading || data === undefined) return <Loading />;
  return <>{children(data)}</>;
}
