/**
 * Loads data through the client for a page: loading, data and error states, a reload, and an
 * optional poll. A 401 (the session expired or was revoked) signs the user out.
 */
import { ApiError, type DltClient } from '@dlt/client';
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from './session-context.tsx';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/** `pollMs` reloads quietly while `poll` is true (the shown data stays until the new data comes). */
export function useApi<T>(
  load: (client: DltClient) => Promise<T>,
  deps: DependencyList,
  options: { pollMs?: number; poll?: boolean } = {},
): Loaded<T> {
  const { client, signOut } = useSession();
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to load again
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: s.data === undefined }));
    loadRef.current(client).then(
      (data) => live && setState({ data, loading: false }),
      (error) => {
        if (!live) return;
        if (ApiError.is(error) && error.status === 401) signOut();
        setState((s) => ({ ...s, error, loading: false }));
      },
    );
    return () => {
      live = false;
    };
  }, [client, tick, ...deps]);
  useEffect(() => {
    if (!options.pollMs || options.poll === false) return;
    const timer = setInterval(() => setTick((t) => t + 1), options.pollMs);
    return () => clearInterval(timer);
  }, [options.pollMs, options.poll]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return {
    data: state.data,
    error: state.data === undefined ? state.error : undefined,
    loading: state.loading,
    reload,
  };
}

/** A message for any failure: the server's own words, never a stack trace. */
export function messageOf(e: unknown): string {
  if (ApiError.is(e)) {
    if (e.status === 0) return 'The server cannot be reached. Is dlt running?';
    return e.message;
  }
  if (e instanceof Error) return e.message.split('\n')[0];
  return 'Something went wrong.';
}
