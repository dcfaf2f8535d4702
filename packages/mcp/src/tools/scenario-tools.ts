/** Tools over the stored tests (the seed calls them scenarios). */
import { z } from 'zod';
import { testId } from './ids.ts';
import { type Tool, tool } from './tool.ts';

/** Longest description a list row carries: a few 60,000-character descriptions filled the answer's cap. */
const listDescriptionChars = 500;

function shortDescription<T extends { testDescription: string }>(item: T): T {
  const d = item.testDescription;
  if (typeof d !== 'string' || d.length <= listDescriptionChars) return item;
  const note = ` … (${d.length} characters: get_scenario_details has all)`;
  return { ...item, testDescription: `${d.slice(0, listDescriptionChars)}${note}` };
}

export const scenarioTools: readonly Tool[] = [
  tool({
    name: 'list_scenarios',
    title: 'List load tests',
    description:
      'Lists the load tests (scenarios) stored on the dlt server: testId, name, description, type, status of the ' +
      'latest run (created, scheduled, queued, running, complete, failed, cancelled…), its start time, tags, ' +
      'the next scheduled run and how many runs it has (descriptions cut at 500 characters). Start here to find a testId.',
    input: {
      tags: z.array(z.string().min(1).max(64)).max(20).optional().describe('Only tests with any of these tags'),
    },
    run: async ({ client }, { tags }) => {
      const { Items } = await client.listScenarios(tags ? { tags } : {});
      return { count: Items.length, scenarios: Items.map(shortDescription) };
    },
  }),
  tool({
    name: 'get_scenario_details',
    title: 'Get a load test',
    description:
      "One load test's definition and state: its name, type (simple, jmeter, k6, locust), file type, tasks and " +
      'concurrency per region (testTaskConfigs), the test scenario (execution, scenarios, thresholds), tags, ' +
      'schedule, status, the latest run id and the baseline run id. Results are left out: use ' +
      'get_latest_test_run or get_test_run for them.',
    input: { test_id: testId },
    run: ({ client }, { test_id }) => client.getScenario(test_id, { history: false, latest: false }),
  }),
];
