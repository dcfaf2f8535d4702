/**
 * The MCP server of dlt: every tool of the tables registered on an `McpServer` of the official
 * SDK, read-only (each marked `readOnlyHint`), answering JSON text. A failure (unknown test,
 * refused token, unreachable server) is a tool result with `isError` and a message that says
 * what went wrong, never a crash of the server.
 */
import { ApiError } from '@dlt/client';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { artifactTools } from './tools/artifact-tools.ts';
import { runTools } from './tools/run-tools.ts';
import { scenarioTools } from './tools/scenario-tools.ts';
import { systemTools } from './tools/system-tools.ts';
import type { Tool, ToolContext } from './tools/tool.ts';

/** Every tool the server offers, in the order `tools/list` shows them. */
export const tools: readonly Tool[] = [...scenarioTools, ...runTools, ...artifactTools, ...systemTools];

/** Largest text a tool answers with; more is cut with a note (a model's context is not unbounded). */
const maxText = 200_000;

/** What a failed read says to the model. */
export function errorText(e: unknown): string {
  if (ApiError.is(e)) {
    const why =
      e.status === 401
        ? ' (the token is missing, unknown or expired: pass an API token of the dlt server)'
        : e.status === 403
          ? ' (the token may not read this)'
          : '';
    const problems = e.problems.length > 0 ? ` ${JSON.stringify(e.problems)}` : '';
    return `${e.status ? `HTTP ${e.status} ` : ''}${e.code}: ${e.message}${why}${problems}`;
  }
  return e instanceof Error ? e.message : String(e);
}

function jsonText(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  if (text.length <= maxText) return text;
  return `${text.slice(0, maxText)}\n… cut at ${maxText} of ${text.length} characters; ask for less (a smaller limit, no timeline).`;
}

/** An MCP server whose tools read through `ctx`. */
export function createMcpServer(ctx: ToolContext, version = '0.0.0'): McpServer {
  const server = new McpServer(
    { name: 'dlt', title: 'dlt load testing (read-only)', version },
    {
      instructions:
        'Read-only access to a dlt load-testing server: its tests (scenarios), their runs and exact results, ' +
        'baselines and comparisons, regions and running tasks. Find a testId with list_scenarios first.',
    },
  );
  for (const t of tools) {
    server.registerTool(
      t.name,
      {
        title: t.title,
        description: t.description,
        inputSchema: t.input,
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      },
      async (args: Record<string, unknown>) => {
        try {
          return { content: [{ type: 'text' as const, text: jsonText(await t.run(ctx, args as never)) }] };
        } catch (e) {
          return { content: [{ type: 'text' as const, text: `${t.name} failed: ${errorText(e)}` }], isError: true };
        }
      },
    );
  }
  return server;
}
