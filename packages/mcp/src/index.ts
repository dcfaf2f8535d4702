/** The read-only MCP server of dlt: its tools, `dlt mcp` on stdio, and `/mcp` on the server (streamable HTTP). */
export { injectFetch, mcpEndpoint } from './http-endpoint.ts';
export { createMcpServer, errorText, tools } from './mcp-server.ts';
export { readOnlyContext, readOnlyFetch, type ServerAccess } from './read-only.ts';
export { serveStdio } from './stdio.ts';
export type { Tool, ToolContext } from './tools/tool.ts';
