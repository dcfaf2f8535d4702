/**
 * Which functions of a k6 script must become `async`, and which calls must be awaited, so that
 * a script written as if `http.get` blocked runs unchanged on the asynchronous engine.
 *
 * A call *waits* when it reaches a k6 function that waits (`http.get`, `sleep`, `group`…), a
 * function of the script that waits, or a method named like one. A function that contains a
 * waiting call waits itself; that is repeated until nothing changes. Array methods given a
 * waiting callback (`urls.forEach((u) => http.get(u))`) are run by a helper that awaits each
 * callback in turn. When a waiting function is handed to code dlt cannot follow (passed as an
 * argument, returned), every call of an unknown function (a parameter, `obj[key]()`) is awaited
 * too: awaiting a plain value changes nothing but the timing of a microtask.
 */
import type {
  AnyNode,
  ArrowFunctionExpression,
  CallExpression,
  FunctionDeclaration,
  FunctionExpression,
  Identifier,
} from 'acorn';

type FunctionNode = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

import type { Problem } from '@dlt/model';
import { waitingFunctions } from './k6-api.ts';
import { importOf, type ScannedModule } from './module-scan.ts';
import { lineOf, walk } from './syntax.ts';

/** Array methods whose callbacks the helper awaits one after the other. */
export const arrayMethods = [
  'forEach',
  'map',
  'filter',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
  'reduce',
  'reduceRight',
] as const;

/** What the rewrite needs to make a module asynchronous. */
export interface AsyncPlan {
  /** Functions to mark `async` (those already async are left out). */
  readonly asyncFunctions: ReadonlySet<AnyNode>;
  /** Calls (or optional chains) to wrap in `(await …)`. */
  readonly awaited: ReadonlySet<AnyNode>;
  /** `x.forEach(cb)` calls to run through the awaiting array helper. */
  readonly arrayCalls: ReadonlySet<CallExpression>;
  readonly problems: readonly Problem[];
}

/** What the modules of one script share while they are planned, dependencies first. */
export interface PlanShared {
  /** Names of methods (object or class) that wait, across all modules. */
  readonly methods: Set<string>;
  /** Exported names that wait, by module path. */
  readonly exported: Map<string, Set<string>>;
  /** A waiting function escaped into code dlt cannot follow. */
  escaped: boolean;
}

type CallKind = 'wait' | 'sync' | 'unknown';

const isFunction = (n: AnyNode): n is FunctionNode =>
  n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';

/** Plans one module. Call it for dependencies before their importers, with the same `shared`. */
export function planAsync(m: ScannedModule, shared: PlanShared, exportsOf: (m: ScannedModule) => Map<string, AnyNode>) {
  const { parents } = m.parsed;
  const calls: CallExpression[] = [];
  const functions: FunctionNode[] = [];
  walk(m.parsed.ast, (node) => {
    if (node.type === 'CallExpression') calls.push(node as CallExpression);
    else if (isFunction(node)) functions.push(node);
  });
  const waiting = new Set<AnyNode>();
  const byVariable = functionsByVariable(m, functions);
  const enclosing = new Map(calls.map((c) => [c, enclosingFunction(c, parents)] as const));
  const isWaitingValue = (n: AnyNode): boolean =>
    waiting.has(n) ||
    (n.type === 'Identifier' &&
      (byVariable.get(m.resolver.variableOf(n as Identifier)) ?? []).some((f) => waiting.has(f)));
  const arrayCalls = new Set<CallExpression>();
  const kindOf = (c: CallExpression): CallKind => {
    if (isArrayCall(c) && c.arguments.some(isWaitingValue)) {
      arrayCalls.add(c);
      return 'wait';
    }
    return calleeKind(m, c, waiting, byVariable, shared);
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of calls) {
      const kind = kindOf(c);
      const f = enclosing.get(c);
      if ((kind === 'wait' || (kind === 'unknown' && shared.escaped)) && f && !waiting.has(f)) {
        waiting.add(f);
        changed = true;
      }
    }
    for (const f of waiting) {
      const name = methodName(f, parents);
      if (name !== undefined && !shared.methods.has(name)) {
        shared.methods.add(name);
        changed = true;
      }
      if (!shared.escaped && escapes(f, m, parents, byVariable, arrayCalls)) {
        shared.escaped = true;
        changed = true;
      }
    }
  }
  const exported = new Set<string>();
  for (const [name, node] of exportsOf(m)) if (isWaitingValue(node)) exported.add(name);
  shared.exported.set(m.parsed.file, exported);
  const awaited = new Set<AnyNode>();
  for (const c of calls) {
    const kind = kindOf(c);
    if (kind === 'sync' || (kind === 'unknown' && !shared.escaped)) continue;
    const f = enclosing.get(c);
    if (f && !waiting.has(f)) continue;
    if (arrayCalls.has(c)) continue;
    const target = parents.get(c)?.type === 'ChainExpression' ? parents.get(c)! : c;
    if (parents.get(target)?.type !== 'AwaitExpression') awaited.add(target);
  }
  const toMark = new Set([...waiting].filter((f) => !(f as FunctionNode).async));
  return {
    asyncFunctions: toMark,
    awaited,
    arrayCalls,
    problems: markProblems(m, toMark, parents),
  } satisfies AsyncPlan;
}

/** Function nodes held by each variable (`function f`, `const f = () => …`). */
function functionsByVariable(m: ScannedModule, functions: FunctionNode[]) {
  const out = new Map<unknown, AnyNode[]>();
  const add = (id: Identifier | null | undefined, f: AnyNode) => {
    const v = id ? m.resolver.declared(id) : undefined;
    if (v !== undefined) out.set(v, [...(out.get(v) ?? []), f]);
  };
  for (const f of functions) {
    if (f.type === 'FunctionDeclaration') add(f.id, f);
    const p = m.parsed.parents.get(f);
    if (p?.type === 'VariableDeclarator' && p.init === f && p.id.type === 'Identifier') add(p.id, f);
  }
  return out;
}

function enclosingFunction(node: AnyNode, parents: ReadonlyMap<AnyNode, AnyNode>): AnyNode | undefined {
  for (let p = parents.get(node); p; p = parents.get(p)) if (isFunction(p)) return p;
  return undefined;
}

function isArrayCall(c: CallExpression): boolean {
  const callee = c.callee;
  return (
    callee.type === 'MemberExpression' &&
    !callee.computed &&
    callee.property.type === 'Identifier' &&
    (arrayMethods as readonly string[]).includes(callee.property.name)
  );
}

function calleeKind(
  m: ScannedModule,
  c: CallExpression,
  waiting: Set<AnyNode>,
  byVariable: Map<unknown, AnyNode[]>,
  shared: PlanShared,
): CallKind {
  const callee = c.callee;
  if (callee.type === 'Identifier') {
    const imported = importOf(m.resolver, callee, m.imports);
    if (imported !== undefined) return importedKind(imported, imported.imported, shared);
    if (m.resolver.isGlobal(callee)) return 'sync';
    const v = m.resolver.variableOf(callee);
    const fns = byVariable.get(v);
    if (fns === undefined) return v === undefined ? 'sync' : 'unknown';
    return fns.some((f) => waiting.has(f)) ? 'wait' : 'sync';
  }
  if (callee.type === 'MemberExpression') {
    if (callee.computed || callee.property.type !== 'Identifier') return 'unknown';
    const name = callee.property.name;
    if (callee.object.type === 'Identifier') {
      const imported = importOf(m.resolver, callee.object, m.imports);
      if (imported !== undefined && imported.imported === '*') return importedKind(imported, name, shared);
    }
    return shared.methods.has(name) ? 'wait' : 'sync';
  }
  if (isFunction(callee)) return waiting.has(callee) ? 'wait' : 'sync';
  return callee.type === 'Super' ? 'sync' : 'unknown';
}

function importedKind(imported: { module: string; local: boolean }, name: string, shared: PlanShared): CallKind {
  if (imported.local) return shared.exported.get(imported.module)?.has(name) ? 'wait' : 'sync';
  return (waitingFunctions[imported.module] ?? []).includes(name) ? 'wait' : 'sync';
}

/** The name a function is called by as a method: `{ login() {} }`, `login: () => …`, `class { login() {} }`. */
function methodName(f: AnyNode, parents: ReadonlyMap<AnyNode, AnyNode>): string | undefined {
  const p = parents.get(f);
  if (p === undefined) return undefined;
  if ((p.type === 'Property' || p.type === 'MethodDefinition' || p.type === 'PropertyDefinition') && !p.computed) {
    return p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
  }
  if (p.type === 'AssignmentExpression' && p.left.type === 'MemberExpression' && !p.left.computed) {
    return p.left.property.type === 'Identifier' ? p.left.property.name : undefined;
  }
  return undefined;
}

/** Whether a waiting function is handed to code that may call it without awaiting. */
function escapes(
  f: AnyNode,
  m: ScannedModule,
  parents: ReadonlyMap<AnyNode, AnyNode>,
  byVariable: Map<unknown, AnyNode[]>,
  arrayCalls: Set<CallExpression>,
): boolean {
  const uses: AnyNode[] = [f];
  for (const [v, fns] of byVariable) {
    if (!fns.includes(f)) continue;
    for (const ref of (v as { references: { identifier: unknown }[] }).references) uses.push(ref.identifier as AnyNode);
  }
  return uses.some((use) => {
    const p = parents.get(use);
    if (p === undefined) return false;
    if (p.type === 'CallExpression' || p.type === 'NewExpression') {
      if (p.callee === use) return false;
      return !(p.type === 'CallExpression' && (arrayCalls.has(p) || isK6Group(m, p)));
    }
    return (
      p.type === 'ReturnStatement' ||
      p.type === 'ArrayExpression' ||
      (p.type === 'ArrowFunctionExpression' && p.body === use)
    );
  });
}

function isK6Group(m: ScannedModule, c: CallExpression): boolean {
  const callee = c.callee;
  if (callee.type === 'Identifier') {
    const imported = importOf(m.resolver, callee, m.imports);
    return imported?.module === 'k6' && imported.imported === 'group';
  }
  if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && !callee.computed) {
    const imported = importOf(m.resolver, callee.object, m.imports);
    return imported?.module === 'k6' && callee.property.type === 'Identifier' && callee.property.name === 'group';
  }
  return false;
}

/** Functions that cannot become async: constructors, getters, setters, generators. */
function markProblems(m: ScannedModule, toMark: Set<AnyNode>, parents: ReadonlyMap<AnyNode, AnyNode>): Problem[] {
  const problems: Problem[] = [];
  for (const f of toMark) {
    const p = parents.get(f);
    const kind = (f as FunctionNode).generator
      ? 'a generator'
      : p && (p.type === 'MethodDefinition' || p.type === 'Property') && p.kind !== 'method' && p.kind !== 'init'
        ? `a ${p.kind === 'constructor' ? 'constructor' : p.kind === 'get' ? 'getter' : 'setter'}`
        : undefined;
    if (kind === undefined) continue;
    problems.push({
      file: m.parsed.file,
      line: lineOf(f),
      message: `${kind} cannot send requests, sleep or run groups in dlt`,
      hint: 'move the call into a plain function or method',
    });
  }
  return problems;
}
