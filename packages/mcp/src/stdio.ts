/** `dlt mcp`: the MCP server on stdin/stdout, reading a dlt server over HTTP with an API token. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from './mcp-server.ts';
import { readOnlyContext, type ServerAccess } from './read-only.ts';

/** Serves MCP on this process's stdio until stdin ends (the client went away). */
export async function serveStdio(access: ServerAccess, log: (line: string) => void = () => {}): Promise<void> {
  const server = createMcpServer(readOnlyContext(access));
  const transport = new StdioServerTransport();
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    transport.onclose = () => resolve();
  });
  transport.onerror = (e) => log(`mcp: ${e.message}`);
  await server.connect(transport);
  log(`dlt mcp: serving ${access.baseUrl} read-only on stdio`);
  await ended;
  await server.close();
}
