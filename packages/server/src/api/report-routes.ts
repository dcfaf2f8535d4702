/**
 * Downloads of a run: the self-contained HTML report (summary, timeline charts, per-label and
 * per-region tables, the comparison with the test's baseline), and its numbers as CSV (per
 * scope, or per second) or JSON. By test and run as the seed's routes go, and by run alone
 * (what `dlt report RUN_ID` calls).
 */
import { z } from 'zod';
import { statsCsv, timelineCsv } from '../report/report-csv.ts';
import { type ReportSummary, renderReportHtml } from '../report/report-html.ts';
import type { RunRecord } from '../store/store.ts';
import type { ApiContext } from './context.ts';
import { HttpError, notFound } from './errors.ts';
import { type AnyRoute, type RouteCall, route } from './route.ts';
import { runParams, testRunParams } from './schemas.ts';

export const reportFormats = ['html', 'csv', 'timeline.csv', 'json'] as const;
export type ReportFormat = (typeof reportFormats)[number];

const reportQuery = z.strictObject({ format: z.enum(reportFormats).optional() });

const types: Readonly<Record<ReportFormat, string>> = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  'timeline.csv': 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The summary of the test's baseline run, unless there is none or it is this run. */
async function baselineOf(ctx: ApiContext, run: RunRecord) {
  const b = await ctx.store.getBaseline(run.testId);
  if (!b || b.runId === run.runId) return undefined;
  const base = await ctx.store.getRun(b.runId);
  return base?.summary ? { runId: base.runId, summary: base.summary as ReportSummary } : undefined;
}

async function body(ctx: ApiContext, run: RunRecord, format: ReportFormat): Promise<string> {
  const summary = run.summary as ReportSummary | undefined;
  const needs = () => {
    if (!summary) throw new HttpError('TESTRUN_NOT_FOUND', `run ${run.runId} has no results (${run.status})`);
    return summary;
  };
  switch (format) {
    case 'html': {
      const baseline = await baselineOf(ctx, run);
      return renderReportHtml({
        title: run.testName,
        testId: run.testId,
        runId: run.runId,
        status: run.status,
        ...(run.errorReason ? { errorReason: run.errorReason } : {}),
        ...(summary ? { summary } : {}),
        ...(baseline ? { baseline } : {}),
      });
    }
    case 'csv':
      return statsCsv(needs());
    case 'timeline.csv':
      return timelineCsv(needs());
    case 'json': {
      const { runId, testId, testName, status, startTime, endTime, errorReason, results } = run;
      const baselineId = (await ctx.store.getBaseline(testId))?.runId;
      const doc = {
        testId,
        testRunId: runId,
        testName,
        status,
        startTime,
        endTime,
        errorReason,
        baselineId,
        results,
        summary,
      };
      return `${JSON.stringify(doc, null, 2)}\n`;
    }
    default: {
      const never: never = format;
      throw new Error(`unknown format ${never}`);
    }
  }
}

async function send(ctx: ApiContext, run: RunRecord, call: RouteCall<unknown, { format?: ReportFormat }, unknown>) {
  const format = call.query.format ?? 'html';
  const text = await body(ctx, run, format);
  const ext = format === 'timeline.csv' ? 'timeline.csv' : format;
  call.reply.header('content-disposition', `attachment; filename="dlt-${run.testId}-${run.runId}.${ext}"`);
  call.reply.type(types[format]);
  // Bytes, since the app sends a returned string as a JSON string (the seed's bare answers).
  return Buffer.from(text);
}

const produces = [...new Set(Object.values(types).map((t) => t.split(';')[0]))];

export function reportRoutes(ctx: ApiContext): AnyRoute[] {
  const formats = 'format=html (default, one self-contained file), csv (per label and region), timeline.csv or json';
  return [
    route({
      method: 'GET',
      url: '/api/scenarios/:testId/testruns/:testRunId/report',
      access: 'viewer',
      summary: `Download a run's report: ${formats}`,
      params: testRunParams,
      query: reportQuery,
      produces,
      handler: async (call) => {
        const run = await ctx.store.getRun(call.params.testRunId);
        if (!(await ctx.store.getTest(call.params.testId)))
          throw notFound('TEST_NOT_FOUND', `test ${call.params.testId}`);
        if (!run || run.testId !== call.params.testId) {
          throw notFound('TESTRUN_NOT_FOUND', `run ${call.params.testRunId} of test ${call.params.testId}`);
        }
        return send(ctx, run, call);
      },
    }),
    route({
      method: 'GET',
      url: '/api/runs/:runId/report',
      access: 'viewer',
      summary: `Download a run's report by run id alone: ${formats}`,
      params: runParams,
      query: reportQuery,
      produces,
      handler: async (call) => {
        const run = await ctx.store.getRun(call.params.runId);
        if (!run) throw notFound('TESTRUN_NOT_FOUND', `run ${call.params.runId}`);
        return send(ctx, run, call);
      },
    }),
  ];
}
