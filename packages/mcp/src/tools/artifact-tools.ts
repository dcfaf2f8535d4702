/**
 * `get_test_run_artifacts`: what can be downloaded about a run. The seed answers with S3 paths;
 * dlt answers with the API paths that serve them, read from the server's own OpenAPI document,
 * so every per-run download the server offers (results, reports, exports, raw task results) is
 * listed without this tool knowing each one.
 */
import type { TestRun } from '@dlt/client';
import { testId, testRunId } from './ids.ts';
import { type Tool, tool } from './tool.ts';

interface Download {
  readonly path: string;
  readonly summary: string;
}

type OpenApi = { paths?: Record<string, Record<string, { summary?: string }>> };

/** GET routes under a run (and the test's script) from the OpenAPI document, with the ids filled in. */
export function runDownloads(doc: unknown, run: TestRun, test_id: string): Download[] {
  const paths = (doc as OpenApi | undefined)?.paths ?? {};
  const tasks = (run.tasks as readonly { taskId: string }[] | undefined) ?? [];
  const out: Download[] = [];
  const fill = (p: string) =>
    p.replaceAll('{testId}', encodeURIComponent(test_id)).replaceAll('{testRunId}', encodeURIComponent(run.testRunId));
  for (const [path, ops] of Object.entries(paths)) {
    const get = ops.get;
    if (!get) continue;
    const underRun = path.startsWith('/api/scenarios/{testId}/testruns/{testRunId}');
    const script = path === '/api/scenarios/{testId}/script' && run.fileType !== undefined && run.fileType !== 'none';
    if (!underRun && !script) continue;
    if (path.includes('{taskId}')) {
      for (const t of tasks)
        out.push({ path: fill(path).replaceAll('{taskId}', encodeURIComponent(t.taskId)), summary: get.summary ?? '' });
    } else if (!/\{[^}]+\}/.test(fill(path))) {
      out.push({ path: fill(path), summary: get.summary ?? '' });
    }
  }
  return out;
}

export const artifactTools: readonly Tool[] = [
  tool({
    name: 'get_test_run_artifacts',
    title: 'List the downloads of a run',
    description:
      "Where a run's artifacts are: the API paths (GET on the same server, with the same token) of its full " +
      "results, its comparison, reports and exports the server offers, each task's raw result, and the test's " +
      'script or zip when it has one; plus its tasks (id, region, status, whether the result was stored).',
    input: { test_id: testId, test_run_id: testRunId },
    run: async ({ client, getJson }, a) => {
      const [run, doc] = await Promise.all([client.getTestRun(a.test_id, a.test_run_id), getJson('/api/openapi.json')]);
      const tasks = ((run.tasks as readonly Record<string, unknown>[] | undefined) ?? []).map((t) => ({
        taskId: t.taskId,
        region: t.region,
        status: t.status,
        resultStored: t.resultStored,
      }));
      return {
        testId: a.test_id,
        testRunId: run.testRunId,
        status: run.status,
        startTime: run.startTime,
        endTime: run.endTime,
        fileType: run.fileType ?? 'none',
        downloads: runDownloads(doc, run, a.test_id),
        tasks,
      };
    },
  }),
];
