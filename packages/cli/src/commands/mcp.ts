/**
 * `dlt mcp`: the read-only MCP server on stdio, for MCP clients (assistants, IDEs) that start a
 * local command. It reads a dlt server over HTTP with an API token; a viewer token is enough.
 */
import { parseArgs } from 'node:util';
import { serveStdio } from '@dlt/mcp';
import { badInput, type Problem } from '@dlt/model';
import { exitCodes } from '../exit-codes.ts';

export const mcpUsage = `Usage: dlt mcp [options]

Serves the read-only MCP tools (list_scenarios, get_test_run, compare_test_runs, …) on stdin and
stdout for an MCP client, reading the dlt server below. See docs/mcp.md. The server itself
also serves them over streamable HTTP at /mcp.

Options (each also from the environment):
  -s, --server URL     the server's address, e.g. http://127.0.0.1:8080   (DLT_SERVER)
  -t, --token TOKEN    an API token; a viewer token is enough               (DLT_TOKEN)
  -h, --help           this help
`;

export interface McpArgs {
  readonly server: string;
  readonly token: string;
}

/** Parses the arguments after `mcp` (flags over the environment); undefined means --help. */
export function parseMcpArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): McpArgs | undefined {
  let v: { server?: string; token?: string; help?: boolean };
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: 'string', short: 's' },
        token: { type: 'string', short: 't' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    throw badInput([{ message: (e as Error).message, hint: 'see dlt mcp --help' }], 'bad arguments');
  }
  if (v.help) return undefined;
  const server = v.server ?? env.DLT_SERVER ?? '';
  const token = v.token ?? env.DLT_TOKEN ?? '';
  const problems: Problem[] = [];
  if (!server) problems.push({ field: '--server', message: 'is required (or set DLT_SERVER)' });
  else if (!/^https?:\/\/[^/]/.test(server))
    problems.push({ field: '--server', message: `"${server}" is not an http(s) URL` });
  if (!token)
    problems.push({
      field: '--token',
      message: 'is required (or set DLT_TOKEN): an API token, a viewer one is enough',
    });
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  return { server, token };
}

export async function mcpCommand(argv: readonly string[]): Promise<number> {
  const args = parseMcpArgs(argv, process.env);
  if (!args) {
    process.stdout.write(mcpUsage);
    return exitCodes.ok;
  }
  // stdout carries the protocol: everything else goes to stderr.
  await serveStdio({ baseUrl: args.server, token: args.token }, (line) => process.stderr.write(`${line}\n`));
  return exitCodes.ok;
}
