/**
 * Rewrites one k6 module into a factory function that dlt calls once per VU:
 *
 * ```
 * async function (rt, load) { const { __VU, __ENV, console… } = rt; …   ← all on line 1
 *   return (async () => { const http = (await load("k6/http")).default;   ← imports, line 1
 *     …the module, with `async`, `(await …)` and loop guards inserted…      ← lines unchanged
 *   ;return { get default() { … }, get options() { … } }; })(); }           ← after the last line
 * ```
 *
 * Imports become constants read from the VU's modules, exports become getters of the object
 * the factory returns, and every loop body starts with a guard that stops an iteration that
 * spins without waiting (past its time budget, or once the VU is stopped).
 */

import type { Problem } from '@dlt/model';
import type { AnyNode, CallExpression, ExportNamedDeclaration, Pattern, Program } from 'acorn';
import type { AsyncPlan } from './async-plan.ts';
import { Edits } from './edits.ts';
import { jslibPath } from './jslib.ts';
import type { ScannedModule } from './module-scan.ts';
import { lineOf, walk } from './syntax.ts';

/** The rewritten module and what it exports. */
export interface RewrittenModule {
  /** An expression: the module's factory function. */
  readonly code: string;
  readonly exports: readonly string[];
  readonly problems: readonly Problem[];
}

/** Names the factory declares for the module, from the VU's runtime. */
const runtimeNames = ['__VU', '__ENV', 'console', '__dlt_g', '__dlt_arr'];

const loops = ['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement'];

/** The nodes an export statement exports, by exported name (for the async plan). */
export function exportedNodes(m: ScannedModule): Map<string, AnyNode> {
  const out = new Map<string, AnyNode>();
  for (const s of m.parsed.ast.body) {
    if (s.type === 'ExportDefaultDeclaration') out.set('default', s.declaration);
    if (s.type !== 'ExportNamedDeclaration' || s.source) continue;
    const d = s.declaration;
    if (d?.type === 'FunctionDeclaration' || d?.type === 'ClassDeclaration') out.set(d.id.name, d);
    if (d?.type === 'VariableDeclaration') {
      for (const v of d.declarations) if (v.id.type === 'Identifier' && v.init) out.set(v.id.name, v.init);
    }
    for (const sp of s.specifiers) {
      if (sp.local.type === 'Identifier') out.set(nameOf(sp.exported), sp.local);
    }
  }
  return out;
}

function nameOf(n: { type: string; name?: string; value?: unknown }): string {
  return n.type === 'Identifier' ? (n.name ?? '') : String(n.value);
}

/** Rewrites a scanned module following its async plan. */
export function rewriteModule(
  m: ScannedModule,
  plan: AsyncPlan,
  resolveLocal: (spec: string) => string,
): RewrittenModule {
  const { text, ast, file } = m.parsed;
  const edits = new Edits(text);
  const problems: Problem[] = [];
  if (text.startsWith('#!')) edits.remove(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  const imports: string[] = [];
  const getters: string[] = [];
  const exports: string[] = [];
  let n = 0;
  const load = (spec: string) => {
    const name = `__dlt_m${n++}`;
    const path = spec.startsWith('.') || jslibPath(spec) !== undefined ? resolveLocal(spec) : spec;
    imports.push(`const ${name} = await __dlt_load(${JSON.stringify(path)});`);
    return name;
  };
  const exportAs = (name: string, expr: string) => {
    exports.push(name);
    getters.push(`get ${JSON.stringify(name)}() { return ${expr}; }`);
  };
  for (const s of ast.body) {
    readStatement(s, { edits, load, imports, exportAs, getters, problems, file });
  }
  const header =
    `async function (__dlt_rt, __dlt_load) { const { ${runtimeNames.join(', ')} } = __dlt_rt; ` +
    `const open = (path, mode) => __dlt_rt.open(path, mode, ${JSON.stringify(file)}); ` +
    `let __ITER = 0; __dlt_rt.onIteration((n) => { __ITER = n; }); ` +
    `return (async () => { ${imports.join(' ')} `;
  edits.insert(0, header);
  insertGuards(ast, edits);
  insertAsync(m, plan, edits);
  insertAwaits(text, plan, edits);
  const footer = `\n;return { ${getters.join(', ')} }; })(); }`;
  return { code: edits.render() + footer, exports, problems };
}

interface StatementContext {
  readonly edits: Edits;
  readonly load: (spec: string) => string;
  readonly imports: string[];
  readonly exportAs: (name: string, expr: string) => void;
  readonly getters: string[];
  readonly problems: Problem[];
  readonly file: string;
}

function readStatement(s: Program['body'][number], c: StatementContext): void {
  switch (s.type) {
    case 'ImportDeclaration': {
      const mod = c.load(String(s.source.value));
      for (const sp of s.specifiers) {
        const value =
          sp.type === 'ImportNamespaceSpecifier'
            ? mod
            : sp.type === 'ImportDefaultSpecifier'
              ? `${mod}.default`
              : `${mod}[${JSON.stringify(nameOf(sp.imported))}]`;
        c.imports.push(`const ${sp.local.name} = ${value};`);
      }
      c.edits.remove(s.start, s.end);
      return;
    }
    case 'ExportDefaultDeclaration': {
      const d = s.declaration;
      if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
        c.edits.remove(s.start, d.start);
        c.exportAs('default', d.id.name);
        return;
      }
      c.edits.replace(s.start, d.start, 'const __dlt_default = ');
      if (d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') c.edits.insert(d.end, ';', 'close');
      c.exportAs('default', '__dlt_default');
      return;
    }
    case 'ExportNamedDeclaration':
      readExportNamed(s, c);
      return;
    case 'ExportAllDeclaration': {
      const mod = c.load(String(s.source.value));
      if (s.exported) c.exportAs(nameOf(s.exported), mod);
      else c.getters.push(`...Object.fromEntries(Object.entries(${mod}).filter(([k]) => k !== 'default'))`);
      c.edits.remove(s.start, s.end);
      return;
    }
    default:
      return;
  }
}

function readExportNamed(s: ExportNamedDeclaration, c: StatementContext): void {
  const d = s.declaration;
  if (d) {
    c.edits.remove(s.start, d.start);
    if (d.type === 'VariableDeclaration') {
      for (const v of d.declarations) for (const name of patternNames(v.id)) c.exportAs(name, name);
    } else c.exportAs(d.id.name, d.id.name);
    return;
  }
  const mod = s.source ? c.load(String(s.source.value)) : undefined;
  for (const sp of s.specifiers) {
    const local = nameOf(sp.local);
    c.exportAs(nameOf(sp.exported), mod ? `${mod}[${JSON.stringify(local)}]` : local);
  }
  c.edits.remove(s.start, s.end);
}

function patternNames(p: Pattern): string[] {
  switch (p.type) {
    case 'Identifier':
      return [p.name];
    case 'ObjectPattern':
      return p.properties.flatMap((q) => patternNames(q.type === 'RestElement' ? q.argument : q.value));
    case 'ArrayPattern':
      return p.elements.flatMap((e) => (e ? patternNames(e) : []));
    case 'RestElement':
      return patternNames(p.argument);
    case 'AssignmentPattern':
      return patternNames(p.left);
    default:
      return [];
  }
}

/** `__dlt_g();` at the top of every loop body (the body is braced when it was not). */
function insertGuards(ast: Program, edits: Edits): void {
  walk(ast, (node) => {
    if (!loops.includes(node.type)) return;
    const body = (node as unknown as { body: AnyNode }).body;
    if (body.type === 'BlockStatement') edits.insert(body.start + 1, '__dlt_g();');
    else {
      edits.insert(body.start, '{__dlt_g();');
      edits.insert(body.end, '}', 'close');
    }
  });
}

function insertAsync(m: ScannedModule, plan: AsyncPlan, edits: Edits): void {
  const { parents, text } = m.parsed;
  for (const f of plan.asyncFunctions) {
    const p = parents.get(f);
    const isMethod =
      (p?.type === 'Property' && p.method) || p?.type === 'MethodDefinition' || p?.type === 'PropertyDefinition';
    if (isMethod && p && 'key' in p && p.type !== 'PropertyDefinition') {
      const key = p.key as AnyNode;
      const at = p.computed ? text.lastIndexOf('[', key.start) : key.start;
      edits.insert(at, 'async ');
    } else edits.insert(f.start, 'async ');
  }
}

/** Wraps waiting calls in `(await …)`, outermost first so nested wraps close in order. */
function insertAwaits(text: string, plan: AsyncPlan, edits: Edits): void {
  const targets = [...plan.awaited, ...plan.arrayCalls].sort((a, b) => a.start - b.start || b.end - a.end);
  for (const t of targets) {
    if (plan.arrayCalls.has(t as CallExpression)) {
      const call = t as CallExpression;
      const callee = call.callee as unknown as { object: AnyNode; property: { name: string }; end: number };
      const paren = text.indexOf('(', callee.end);
      edits.insert(call.start, '(await __dlt_arr(');
      const hasArgs = call.arguments.length > 0;
      edits.replace(callee.object.end, paren + 1, `, ${JSON.stringify(callee.property.name)}${hasArgs ? ', ' : ''}`);
      edits.insert(call.end, ')', 'close');
    } else {
      edits.insert(t.start, '(await ');
      edits.insert(t.end, ')', 'close');
    }
  }
}

/** Lines of the calls a plan awaits, for tests and debugging. */
export function awaitedLines(plan: AsyncPlan): number[] {
  return [...plan.awaited, ...plan.arrayCalls].map(lineOf).sort((a, b) => a - b);
}
