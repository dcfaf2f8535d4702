/** `GET /api/auth/oidc`: whether single sign-on is on, and what the console needs to start it (public). */
import type { ApiContext } from './context.ts';
import { HttpError } from './errors.ts';
import { type AnyRoute, route } from './route.ts';

export function oidcRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/auth/oidc',
      access: 'public',
      summary: 'Single sign-on: { enabled: false }, or the issuer, client id and endpoints for a PKCE sign-in',
      handler: async () => {
        const oidc = ctx.auth.oidc;
        if (!oidc) return { enabled: false };
        try {
          return { enabled: true, ...(await oidc.publicConfig()) };
        } catch (e) {
          throw new HttpError('OIDC_UNAVAILABLE', `the OIDC issuer cannot be reached: ${(e as Error).message}`);
        }
      },
    }),
  ];
}
