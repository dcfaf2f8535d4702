/** Tools over where load can run: regions, the tasks running now (the seed's load-test runners) and agents. */
import { type Tool, tool } from './tool.ts';

export const systemTools: readonly Tool[] = [
  tool({
    name: 'list_regions',
    title: 'List regions',
    description:
      "The regions this server can run load in (the seed's regional stacks): for each, its connected agents, " +
      'their slots (tasks they can take) and free slots, and whether a launcher starts agents there on demand.',
    input: {},
    run: ({ client }) => client.listRegions(),
  }),
  tool({
    name: 'list_running_tasks',
    title: 'List running load-test tasks',
    description:
      "The tasks of runs that have not ended yet (the seed's running load-test runners), per region: task id, " +
      'test id, run id, status and the agent running it. Empty when nothing runs.',
    input: {},
    run: async ({ client }) => ({ regions: await client.listTasks() }),
  }),
  tool({
    name: 'list_agents',
    title: 'List connected agents',
    description:
      'The agents connected to the server: id, name, region, version, cores, slots, the tasks they run now, ' +
      'their measured clock offset and round-trip time.',
    input: {},
    run: ({ client }) => client.listAgents(),
  }),
];
