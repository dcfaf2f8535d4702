/**
 * Administering users: list them, change a user's role, revoke every token a user holds. A role
 * change signs the user out (their session tokens go) and revokes their API tokens that rank
 * above the new role, so no token keeps rights its owner lost. An administrator cannot change
 * their own role or strip the last administrator.
 */
import { z } from 'zod';
import { mayGrant } from '../auth/roles.ts';
import type { Role } from '../store/store.ts';
import type { ApiContext } from './context.ts';
import { HttpError, notFound } from './errors.ts';
import { type AnyRoute, route } from './route.ts';

const usernameParams = z.strictObject({ username: z.string().min(1).max(100) });
const roleBody = z.strictObject({ role: z.enum(['admin', 'editor', 'viewer']) });

export function userRoutes(ctx: ApiContext): AnyRoute[] {
  const userOf = async (username: string) => {
    const user = await ctx.store.getUser(username);
    if (!user) throw notFound('NOT_FOUND', `user ${username}`);
    return user;
  };
  /** Deletes the tokens of `username` that `keep` refuses; returns how many went. */
  const revoke = async (username: string, keep: (t: { kind: string; role: Role }) => boolean) => {
    let n = 0;
    for (const t of await ctx.store.listTokens(username)) {
      if (!keep(t) && (await ctx.store.deleteToken(t.tokenId))) n++;
    }
    return n;
  };
  return [
    route({
      method: 'GET',
      url: '/api/users',
      access: 'admin',
      summary: 'Every user with their role and how many API tokens they hold',
      handler: async () => ({
        users: await Promise.all(
          (await ctx.store.listUsers()).map(async (u) => ({
            username: u.username,
            role: u.role,
            createdAt: u.createdAt,
            apiTokens: (await ctx.store.listTokens(u.username)).filter((t) => t.kind === 'api').length,
          })),
        ),
      }),
    }),
    route({
      method: 'PUT',
      url: '/api/users/:username/role',
      access: 'admin',
      summary: "Change a user's role: their sessions end and API tokens above the new role are revoked",
      params: usernameParams,
      body: roleBody,
      handler: async ({ params, body, principal }) => {
        const user = await userOf(params.username);
        if (user.username === principal!.username) {
          throw new HttpError('CONFLICT', 'you cannot change your own role; another administrator can');
        }
        if (user.role === 'admin' && body.role !== 'admin') {
          const admins = (await ctx.store.listUsers()).filter((u) => u.role === 'admin').length;
          if (admins <= 1) throw new HttpError('CONFLICT', `${user.username} is the last administrator`);
        }
        if (user.role === body.role) return { username: user.username, role: user.role, revokedTokens: 0 };
        await ctx.store.setUserRole(user.username, body.role);
        const revokedTokens = await revoke(user.username, (t) => t.kind === 'api' && mayGrant(body.role, t.role));
        return { username: user.username, role: body.role, revokedTokens };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/users/:username/tokens',
      access: 'admin',
      summary: 'Revoke every token of a user (sessions and API tokens): they sign in again',
      params: usernameParams,
      handler: async ({ params }) => {
        // A single sign-on user (`oidc:NAME`) has no local account, only the tokens they made.
        const user = await ctx.store.getUser(params.username);
        if (!user && (await ctx.store.listTokens(params.username)).length === 0) {
          throw notFound('NOT_FOUND', `user ${params.username}`);
        }
        return { username: params.username, revokedTokens: await revoke(params.username, () => false) };
      },
    }),
  ];
}
