/**
 * Who may do what. Users and tokens carry one role: `admin` (users, everything) > `editor`
 * (tests and runs) > `viewer` (read only); `agent` is apart: it may use only the agent
 * endpoints, and only editors and admins may mint it. Each route names the least role it needs.
 */
import type { Role } from '../store/store.ts';

/** What a route asks of its caller. */
export type Access = 'public' | 'viewer' | 'editor' | 'admin' | 'agent';

const rank: Readonly<Record<Exclude<Role, 'agent'>, number>> = { viewer: 1, editor: 2, admin: 3 };

/** Whether a caller with `role` may use a route that asks for `access`. */
export function allows(role: Role, access: Access): boolean {
  switch (access) {
    case 'public':
      return true;
    case 'agent':
      return role === 'agent' || role === 'admin';
    case 'viewer':
    case 'editor':
    case 'admin':
      return role !== 'agent' && rank[role] >= rank[access];
    default: {
      const never: never = access;
      throw new Error(`unknown access ${never}`);
    }
  }
}

/** Whether a caller with `creator` may mint a token (or user) with `role`: never above its own. */
export function mayGrant(creator: Role, role: Role): boolean {
  if (creator === 'agent') return false;
  if (role === 'agent') return rank[creator] >= rank.editor;
  return rank[creator] >= rank[role];
}
