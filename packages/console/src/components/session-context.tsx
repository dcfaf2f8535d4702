/** The signed-in session for every page: the user, the client made with the token, and sign-out. */
import type { DltClient } from '@dlt/client';
import { createContext, useContext } from 'react';
import type { Session } from '../api/session.ts';

export interface SessionValue {
  readonly session: Session;
  readonly client: DltClient;
  signOut(): void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside the signed-in app');
  return v;
}
