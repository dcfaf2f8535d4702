/**
 * A tool is data: its name, a title and description a model reads to choose it, the zod shape of
 * its arguments, and a function that reads the server through the client. Tools only read;
 * the client they get refuses any method but GET (see read-only-fetch.ts).
 */
import type { DltClient } from '@dlt/client';
import type { z } from 'zod';

/** What a tool reads with: the typed client, and a plain GET for documents the client has no method for. */
export interface ToolContext {
  readonly client: DltClient;
  /** `GET path` on the server with the caller's token, parsed as JSON. */
  getJson(path: string): Promise<unknown>;
}

export interface Tool<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: S;
  run(ctx: ToolContext, args: z.infer<z.ZodObject<S>>): Promise<unknown>;
}

/** Declares a tool with its argument types inferred from its shape. */
export function tool<S extends z.ZodRawShape>(t: Tool<S>): Tool {
  return t as unknown as Tool;
}
