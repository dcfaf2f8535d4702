/**
 * Parsing a k6 module (JavaScript, or TypeScript with its types blanked out in place) with
 * acorn, and a generic walk over its tree that records each node's parent.
 */
import { stripTypeScriptTypes } from 'node:module';
import type { Problem } from '@dlt/model';
import type { AnyNode, Program } from 'acorn';
import { parse } from 'acorn';

/** A parsed module: its tree and the parent of every node. */
export interface ParsedModule {
  readonly file: string;
  readonly text: string;
  readonly ast: Program;
  readonly parents: ReadonlyMap<AnyNode, AnyNode>;
}

export type ParseResult =
  | { readonly ok: true; readonly module: ParsedModule }
  | { readonly ok: false; readonly problem: Problem };

/** Parses `text` as an ES module; `.ts` and `.mts` files have their types removed first (lines kept). */
export function parseModule(text: string, file: string): ParseResult {
  let js = text;
  if (/\.m?ts$/i.test(file)) {
    try {
      js = stripTypeScriptTypes(text, { mode: 'strip' });
    } catch (e) {
      return { ok: false, problem: { file, message: `cannot read the TypeScript: ${(e as Error).message}` } };
    }
  }
  try {
    const ast = parse(js, {
      ecmaVersion: 'latest',
      sourceType: 'module',
      locations: true,
      ranges: true,
      allowHashBang: true,
    });
    return { ok: true, module: { file, text: js, ast, parents: parentsOf(ast) } };
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    const message = err.message.replace(/\s*\(\d+:\d+\)$/, '');
    const at = err.loc ? { line: err.loc.line, column: err.loc.column + 1 } : {};
    return { ok: false, problem: { file, ...at, message: `syntax error: ${message}` } };
  }
}

/** The child nodes of `node`, in source order. */
export function childrenOf(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'start' || key === 'end' || key === 'type') continue;
    const v = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) out.push(item);
    } else if (isNode(v)) out.push(v);
  }
  return out;
}

function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** Visits every node under `root` (root first, then children in order). */
export function walk(root: AnyNode, visit: (node: AnyNode) => void): void {
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    const kids = childrenOf(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

function parentsOf(ast: Program): Map<AnyNode, AnyNode> {
  const parents = new Map<AnyNode, AnyNode>();
  walk(ast, (node) => {
    for (const child of childrenOf(node)) parents.set(child, node);
  });
  return parents;
}

/** The 1-based line of a node. */
export function lineOf(node: AnyNode): number {
  return node.loc?.start.line ?? 0;
}
