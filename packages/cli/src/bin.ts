#!/usr/bin/env node
/** The `dlt` command: dispatches to a subcommand and turns errors into exit codes. */
import module from 'node:module';
import { exitCodes } from './exit-codes.ts';

// Compiled (and type-stripped) modules are cached on disk between runs, which halves a
// command's start-up CPU; worker threads find the cache through the environment. Everything
// else is imported after this line, dynamically, so that it is cached too.
const cache = module.enableCompileCache?.();
if (cache?.directory !== undefined) process.env.NODE_COMPILE_CACHE ??= cache.directory;

const usage = `Usage: dlt <command> [options]

Commands:
  run [FILE]     run a load test on this machine (a .yaml/.json file, or --url for a quick test)
  convert FILE   write a JMeter plan or a k6 script as the equivalent YAML test (-o OUT)
  start, server  start the server (API, store, local agents) on this machine
  agent          run a load-generating agent for a server (--server URL --token T --region NAME)
  tests …        the tests on a server: list, create, run (--wait), cancel, results
  report RUN_ID  a run's report as one self-contained HTML file (or --from summary.json)
  mcp            the read-only MCP server on stdio, for assistants (--server URL --token T)
  help [COMMAND] show help for a command

Run 'dlt <command> --help' for a command's options.
`;

type Command = (argv: readonly string[]) => Promise<number>;
const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.ts')).runCommand,
  convert: async () => (await import('./commands/convert.ts')).convertCommand,
  agent: async () => (await import('./commands/agent.ts')).agentCommand,
  tests: async () => (await import('./commands/tests.ts')).testsCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
  start: async () => (await import('./commands/server.ts')).serverCommand,
  server: async () => (await import('./commands/server.ts')).serverCommand,
  mcp: async () => (await import('./commands/mcp.ts')).mcpCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    return name === undefined ? exitCodes.badInput : exitCodes.ok;
  }
  if (name === 'help') return main(rest.length > 0 ? [rest[0], '--help'] : ['--help']);
  if (name === '--version' || name === '-v') {
    process.stdout.write('dlt 0.0.0\n');
    return exitCodes.ok;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`dlt: unknown command "${name}"\n\n${usage}`);
    return exitCodes.badInput;
  }
  return (await load())(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  const { DltError, ErrorCode } = await import('@dlt/model');
  if (DltError.is(e)) {
    process.stderr.write(`dlt: ${e.message}\n`);
    process.exitCode = e.code === ErrorCode.BadInput ? exitCodes.badInput : exitCodes.error;
  } else {
    process.stderr.write(`dlt: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = exitCodes.error;
  }
}
