/** The seed's scenario routes: list, create/update/run, get, cancel, delete; and script upload. */
import { z } from 'zod';
import type { ApiContext } from './context.ts';
import { HttpError, notFound } from './errors.ts';
import { type AnyRoute, route } from './route.ts';
import { saveScenario } from './scenario-service.ts';
import { scenarioView } from './scenario-view.ts';
import { scheduleRoutes } from './schedule-routes.ts';
import {
  getScenarioQuery,
  listScenariosQuery,
  normaliseTag,
  scenarioBodySchema,
  testIdParams,
  uploadQuery,
} from './schemas.ts';
import { storeScript } from './script-upload.ts';
import { regionsView } from './system-views.ts';
import { listItem } from './views.ts';

async function deleteEverything(ctx: ApiContext, testId: string): Promise<void> {
  const runIds: string[] = [];
  for (let cursor: string | undefined, page = 0; page < 10_000; page++) {
    const p = await ctx.store.listRuns(testId, { limit: 100, cursor });
    runIds.push(...p.runs.map((r) => r.runId));
    cursor = p.nextCursor;
    if (cursor === undefined) break;
  }
  await ctx.store.deleteTest(testId);
  await ctx.artifacts.deletePrefix(`tests/${testId}/`);
  for (const id of runIds) await ctx.artifacts.deletePrefix(`runs/${id}/`);
}

export function scenarioRoutes(ctx: ApiContext): AnyRoute[] {
  const running = (testId: string) => ctx.orchestrator.isRunning(testId);
  return [
    route({
      method: 'GET',
      url: '/api/scenarios',
      access: 'viewer',
      summary: 'List tests (op=listRegions lists regions, as the seed)',
      query: listScenariosQuery,
      handler: async ({ query }) => {
        if (query.op === 'listRegions') return regionsView(ctx);
        const tags = (query.tags ?? '')
          .split(',')
          .map(normaliseTag)
          .filter((t) => t !== '');
        const listings = await ctx.store.listTests(tags);
        const next = new Map((await ctx.store.listSchedules()).map((s) => [s.testId, s.nextRun]));
        return { Items: listings.map((l) => listItem(l.test, l.lastRun, l.totalRuns, next.get(l.test.testId))) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/scenarios',
      access: 'editor',
      summary: 'Create or update a test and run it (unless saveOnly or scheduled)',
      body: scenarioBodySchema,
      handler: async ({ body, principal }) => {
        const testId = await saveScenario(ctx, body, principal);
        return scenarioView(ctx, testId, { history: false });
      },
    }),
    route({
      method: 'GET',
      url: '/api/scenarios/:testId',
      access: 'viewer',
      summary: 'A test with its latest run, history and live task counts',
      params: testIdParams,
      query: getScenarioQuery,
      handler: ({ params, query }) => scenarioView(ctx, params.testId, query),
    }),
    route({
      method: 'POST',
      url: '/api/scenarios/:testId',
      access: 'editor',
      summary: 'Cancel the running run of a test',
      params: testIdParams,
      handler: async ({ params }) => {
        if (!(await ctx.store.getTest(params.testId))) throw notFound('TEST_NOT_FOUND', `test ${params.testId}`);
        if (!(await ctx.orchestrator.cancel(params.testId))) {
          throw new HttpError('TEST_NOT_RUNNING', `test ${params.testId} has no run to cancel`);
        }
        return 'test cancelling';
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/scenarios/:testId',
      access: 'editor',
      summary: 'Delete a test with its runs, results and artifacts',
      params: testIdParams,
      handler: async ({ params }) => {
        if (!(await ctx.store.getTest(params.testId))) throw notFound('TEST_NOT_FOUND', `test ${params.testId}`);
        if (running(params.testId)) throw new HttpError('TEST_RUNNING', `test ${params.testId} is running`);
        await deleteEverything(ctx, params.testId);
        return 'success';
      },
    }),
    route({
      method: 'PUT',
      url: '/api/scenarios/:testId/script',
      access: 'editor',
      summary: 'Upload the script (.jmx, .js, .ts, .py) or zip of a test; the body is the file',
      params: testIdParams,
      query: uploadQuery,
      rawBody: true,
      bodyLimit: ctx.limits.uploadBytes,
      body: z.instanceof(Buffer, { message: 'the body must be the file' }),
      handler: async ({ params, query, body }) => {
        if (running(params.testId)) throw new HttpError('TEST_RUNNING', `test ${params.testId} is running`);
        return storeScript(ctx, params.testId, query.name, body);
      },
    }),
    route({
      method: 'GET',
      url: '/api/scenarios/:testId/script',
      access: 'viewer',
      summary: 'Download the uploaded script or zip of a test',
      params: testIdParams,
      handler: async ({ params, reply }) => {
        const test = await ctx.store.getTest(params.testId);
        if (!test) throw notFound('TEST_NOT_FOUND', `test ${params.testId}`);
        const bytes = test.scriptKey ? await ctx.artifacts.get(test.scriptKey) : undefined;
        if (!bytes) throw notFound('NOT_FOUND', `the script of test ${params.testId}`);
        reply.header('content-disposition', `attachment; filename="${test.scriptName}"`);
        reply.type('application/octet-stream');
        return Buffer.from(bytes);
      },
    }),
    ...scheduleRoutes(ctx),
  ];
}
