/**
 * `dlt agent`: a load generator that dials out to a server, joins a region and runs the tasks
 * it is given until stopped (SIGINT/SIGTERM: running tasks are interrupted and their results
 * uploaded) or refused by the server (exit 1 with the reason).
 */
import { parseArgs } from 'node:util';
import { runAgent } from '@dlt/agent';
import { badInput, type Problem } from '@dlt/model';
import { exitCodes } from '../exit-codes.ts';

export const agentUsage = `Usage: dlt agent --server URL --token TOKEN --region NAME [options]

Runs a load-generating agent: it dials out to the server (only outbound HTTP(S) is needed),
joins a region, and runs the tasks the server gives it. Ctrl-C (or SIGTERM) stops it cleanly:
running tasks are interrupted and what they measured is uploaded first.

Options (each also from the environment):
  -s, --server URL     the server's address, e.g. http://10.0.0.5:8080   (DLT_SERVER)
  -t, --token TOKEN    an agent token: POST /api/tokens with role "agent"  (DLT_TOKEN)
  -r, --region NAME    the region this agent serves, e.g. eu-west          (DLT_REGION)
      --slots N        tasks it runs at once (default 1)                   (DLT_SLOTS)
      --name NAME      its name in the server's agent list (default: host name)
  -q, --quiet          no log lines
  -h, --help           this help

Exit codes: 0 stopped, 1 refused by the server or failed, 2 bad arguments.
See docs/agents.md.
`;

export interface AgentArgs {
  readonly server: string;
  readonly token: string;
  readonly region: string;
  readonly slots: number;
  readonly name?: string;
  readonly quiet: boolean;
}

/** Parses the arguments after `agent` (flags over the environment); undefined means --help. */
export function parseAgentArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): AgentArgs | undefined {
  let v: ReturnType<typeof parse>['values'];
  try {
    v = parse(argv).values;
  } catch (e) {
    throw badInput([{ message: (e as Error).message, hint: 'see dlt agent --help' }], 'bad arguments');
  }
  if (v.help) return undefined;
  const problems: Problem[] = [];
  const need = (flag: string, name: string, value: string | undefined) => {
    if (!value) problems.push({ field: flag, message: `is required (or set ${name})` });
    return value ?? '';
  };
  const server = need('--server', 'DLT_SERVER', v.server ?? env.DLT_SERVER);
  if (server && !/^https?:\/\/[^/]/.test(server))
    problems.push({ field: '--server', message: `"${server}" is not an http(s) URL` });
  const region = need('--region', 'DLT_REGION', v.region ?? env.DLT_REGION);
  if (region && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(region))
    problems.push({
      field: '--region',
      message: `"${region}" is not a region name`,
      hint: 'lower-case letters, digits and -',
    });
  const slotsText = v.slots ?? env.DLT_SLOTS ?? '1';
  const slots = Number(slotsText);
  if (!Number.isInteger(slots) || slots < 1)
    problems.push({ field: '--slots', message: `"${slotsText}" is not a positive whole number` });
  const args = {
    server,
    token: need('--token', 'DLT_TOKEN', v.token ?? env.DLT_TOKEN),
    region,
    slots,
    name: v.name,
    quiet: v.quiet ?? false,
  };
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  return args;
}

export async function agentCommand(argv: readonly string[]): Promise<number> {
  const args = parseAgentArgs(argv, process.env);
  if (!args) {
    process.stdout.write(agentUsage);
    return exitCodes.ok;
  }
  const stop = new AbortController();
  const onSignal = (signal: string) => {
    process.stderr.write(`\n${signal}: stopping; running tasks are interrupted and uploaded (again to quit at once)\n`);
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // An agent outlives whoever reads its log (a launcher killed, a terminal closed): a broken pipe
  // on stderr must not take the task down with it, so log lines are dropped from then on.
  let logOpen = !args.quiet;
  process.stderr.on('error', () => {
    logOpen = false;
  });
  const log = (line: string) => {
    if (logOpen) process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  try {
    const exit = await runAgent({ ...args, version: '0.0.0', signal: stop.signal, log });
    if (exit.kind === 'refused') {
      process.stderr.write(`dlt agent: refused by the server: ${exit.reason}\n`);
      return exitCodes.error;
    }
    return exitCodes.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      server: { type: 'string', short: 's' },
      token: { type: 'string', short: 't' },
      region: { type: 'string', short: 'r' },
      slots: { type: 'string' },
      name: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
