/**
 * A test's schedule: its fields, its next run and the history of its firings (runs started,
 * firings skipped because the previous run had not ended or no server was running); and its
 * removal. Schedules are set with the seed's fields on `POST /api/scenarios`.
 */
import { z } from 'zod';
import type { ApiContext } from './context.ts';
import { notFound } from './errors.ts';
import { type AnyRoute, route } from './route.ts';
import { testIdParams } from './schemas.ts';

const eventsQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
});

export function scheduleRoutes(ctx: ApiContext): AnyRoute[] {
  const testOf = async (testId: string) => {
    const test = await ctx.store.getTest(testId);
    if (!test) throw notFound('TEST_NOT_FOUND', `test ${testId}`);
    return test;
  };
  return [
    route({
      method: 'GET',
      url: '/api/scenarios/:testId/schedule',
      access: 'viewer',
      summary:
        "A test's schedule, its next run and its firings, newest first (each started, missed, overlap or failed)",
      params: testIdParams,
      query: eventsQuery,
      handler: async ({ params, query }) => {
        const test = await testOf(params.testId);
        const state = await ctx.store.getSchedule(params.testId);
        const events = await ctx.store.listScheduleEvents(params.testId, query.limit ?? 100);
        return {
          testId: test.testId,
          ...(test.schedule ?? {}),
          scheduled: state?.nextRun !== undefined,
          nextRun: state?.nextRun ?? null,
          events: events.map(({ testId, ...e }) => e),
        };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/scenarios/:testId/schedule',
      access: 'editor',
      summary: "Remove a test's schedule (its firings so far stay listed)",
      params: testIdParams,
      handler: async ({ params }) => {
        const test = await testOf(params.testId);
        const { schedule, ...rest } = test;
        await ctx.store.putTest({ ...rest, updatedAt: new Date().toISOString() });
        if (!(await ctx.scheduler.clear(params.testId)) && !schedule) {
          throw notFound('NOT_FOUND', `a schedule of test ${params.testId}`);
        }
        return 'success';
      },
    }),
  ];
}
