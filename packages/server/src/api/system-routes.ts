/** Auth, tokens and users; regions, tasks and agents; and the agents' own endpoints (result upload, bundle). */

import type { TaskUpload } from '@dlt/model';
import { hashPassword } from '../auth/passwords.ts';
import { mayGrant } from '../auth/roles.ts';
import type { ApiContext } from './context.ts';
import { HttpError, notFound } from './errors.ts';
import { type AnyRoute, route } from './route.ts';
import { loginBody, taskParams, tokenBody, tokenParams, uploadBody, userBody } from './schemas.ts';
import { agentsView, regionsView, tasksView } from './system-views.ts';

export function systemRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/auth/login',
      access: 'public',
      summary: 'Log in: a session token (12 h) for Authorization: Bearer',
      body: loginBody,
      handler: async ({ body }) => {
        const token = await ctx.auth.login(body.username, body.password);
        if (!token) throw new HttpError('UNAUTHORIZED', 'wrong username or password');
        return { token };
      },
    }),
    route({
      method: 'GET',
      url: '/api/auth/me',
      access: 'viewer',
      summary: 'Who the token belongs to: username and role (what a console may show)',
      handler: async ({ principal }) => ({ username: principal!.username, role: principal!.role }),
    }),
    route({
      method: 'POST',
      url: '/api/tokens',
      access: 'viewer',
      summary: 'Create an API token (shown once), never with a role above yours',
      body: tokenBody,
      status: 201,
      handler: async ({ body, principal }) => {
        if (!mayGrant(principal!.role, body.role)) {
          throw new HttpError(
            'FORBIDDEN',
            `${withArticle(principal!.role)} cannot create ${withArticle(body.role)} token`,
          );
        }
        const { token, record } = await ctx.auth.issue({
          name: body.name,
          role: body.role,
          kind: 'api',
          owner: principal!.username,
        });
        return { token, tokenId: record.tokenId, name: record.name, role: record.role, createdAt: record.createdAt };
      },
    }),
    route({
      method: 'GET',
      url: '/api/tokens',
      access: 'viewer',
      summary: 'Your API tokens (never their secrets)',
      handler: async ({ principal }) => ({
        tokens: (await ctx.store.listTokens(principal!.username))
          .filter((t) => t.kind === 'api')
          .map(({ hash, ...t }) => t),
      }),
    }),
    route({
      method: 'DELETE',
      url: '/api/tokens/:tokenId',
      access: 'viewer',
      summary: 'Delete one of your API tokens',
      params: tokenParams,
      handler: async ({ params, principal }) => {
        const mine = (await ctx.store.listTokens(principal!.username)).some((t) => t.tokenId === params.tokenId);
        if (!mine || !(await ctx.store.deleteToken(params.tokenId)))
          throw notFound('NOT_FOUND', `token ${params.tokenId}`);
        return 'success';
      },
    }),
    route({
      method: 'POST',
      url: '/api/users',
      access: 'admin',
      summary: 'Create a user',
      body: userBody,
      status: 201,
      handler: async ({ body }) => {
        const user = {
          username: body.username,
          role: body.role,
          passwordHash: await hashPassword(body.password),
          createdAt: new Date().toISOString(),
        };
        if (!(await ctx.store.createUser(user))) throw new HttpError('CONFLICT', `user ${body.username} exists`);
        return { username: user.username, role: user.role, createdAt: user.createdAt };
      },
    }),
    route({
      method: 'GET',
      url: '/api/regions',
      access: 'viewer',
      summary: 'Regions and their agents',
      handler: async () => regionsView(ctx),
    }),
    route({
      method: 'GET',
      url: '/api/tasks',
      access: 'viewer',
      summary: 'Tasks of runs that have not ended, per region',
      handler: async () => tasksView(ctx),
    }),
    route({
      method: 'GET',
      url: '/api/agents',
      access: 'viewer',
      summary: 'Connected agents',
      handler: async () => agentsView(ctx),
    }),
    route({
      method: 'PUT',
      url: '/api/agent/tasks/:taskId/result',
      access: 'agent',
      summary: "A task's result (idempotent: a repeat is acknowledged and changes nothing)",
      params: taskParams,
      body: uploadBody,
      bodyLimit: ctx.limits.uploadBytes,
      handler: async ({ params, body }) => {
        if (params.taskId !== body.taskId)
          throw new HttpError('TASK_MISMATCH', 'the path and the body name other tasks');
        const outcome = await ctx.orchestrator.upload(body as TaskUpload);
        switch (outcome) {
          case 'stored':
          case 'repeat':
            return { acknowledged: true, taskId: body.taskId, repeat: outcome === 'repeat' };
          case 'unknown-task':
            throw notFound('TASK_NOT_FOUND', `task ${body.taskId}`);
          case 'mismatch':
            throw new HttpError('TASK_MISMATCH', `task ${body.taskId} is not part of run ${body.runId}`);
          case 'bad-result':
            throw new HttpError('INVALID_REQUEST_BODY', 'result: not a task result this server can merge');
          default: {
            const never: never = outcome;
            throw new Error(`unknown upload outcome ${never}`);
          }
        }
      },
    }),
    route({
      method: 'GET',
      url: '/api/agent/tasks/:taskId/bundle',
      access: 'agent',
      summary: "The script or zip of a task's test",
      params: taskParams,
      handler: async ({ params, reply }) => {
        const task = await ctx.store.getTask(params.taskId);
        const run = task && (await ctx.store.getRun(task.runId));
        const bytes = run?.scriptKey ? await ctx.artifacts.get(run.scriptKey) : undefined;
        if (!run || !bytes) throw notFound('NOT_FOUND', `the bundle of task ${params.taskId}`);
        reply.header('content-disposition', `attachment; filename="${run.scriptName}"`);
        reply.type('application/octet-stream');
        return Buffer.from(bytes);
      },
    }),
  ];
}

/** `an admin`, `an editor`, `a viewer`. */
const withArticle = (role: string) => `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
