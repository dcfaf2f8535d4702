/**
 * What a k6 module imports and exports, and everything in it dlt refuses before running it:
 * modules it does not offer (remote jslib URLs, k6/ws…), k6 functions it does not have,
 * dynamic `import()`, `import.meta`, and AnyNode globals such as `require` and `process`.
 */

import type { Problem } from '@dlt/model';
import type { AnyNode, Identifier, ImportDeclaration, MemberExpression } from 'acorn';
import { analyze, type Reference, type ScopeManager, type Variable } from 'eslint-scope';
import { jslibPath } from './jslib.ts';
import { isK6Module, k6Modules, refusedGlobals, reservedPrefix, unsupportedModules } from './k6-api.ts';
import type { ParsedModule } from './syntax.ts';
import { lineOf, walk } from './syntax.ts';

/** What a local name imported from another module stands for. */
export interface ImportedName {
  /** `k6/http`, or the resolved path of a local module. */
  readonly module: string;
  readonly local: boolean;
  /** The exported name, or `*` for a namespace or default import of a k6 module. */
  readonly imported: string;
}

/** One module after scanning: its scopes and imports, and the problems found. */
export interface ScannedModule {
  readonly parsed: ParsedModule;
  readonly resolver: Resolver;
  /** Local binding name → what it imports. */
  readonly imports: ReadonlyMap<string, ImportedName>;
  /** Relative specifiers of local modules, in order of appearance. */
  readonly localSpecifiers: readonly string[];
  readonly problems: readonly Problem[];
}

/** Scans one parsed module; `resolveLocal` turns a relative specifier into a module path. */
export function scanModule(parsed: ParsedModule, resolveLocal: (spec: string) => string): ScannedModule {
  const problems: Problem[] = [];
  const at = (node: AnyNode, message: string, hint?: string) =>
    problems.push({ file: parsed.file, line: lineOf(node), message, ...(hint ? { hint } : {}) });
  const imports = new Map<string, ImportedName>();
  const localSpecifiers: string[] = [];
  const source = (spec: string, node: AnyNode): string | undefined => {
    if (jslibPath(spec) !== undefined) {
      localSpecifiers.push(spec);
      return resolveLocal(spec);
    }
    const problem = moduleProblem(spec);
    if (problem !== undefined) {
      at(node, problem.message, problem.hint);
      return undefined;
    }
    if (spec.startsWith('.')) {
      localSpecifiers.push(spec);
      return resolveLocal(spec);
    }
    return spec;
  };
  walk(parsed.ast, (node) => {
    switch (node.type) {
      case 'ImportDeclaration':
        readImport(node as ImportDeclaration, source(String(node.source.value), node), imports, at);
        return;
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.source) source(String(node.source.value), node);
        return;
      case 'ImportExpression':
        at(node, 'import() is not supported in k6 scripts', 'use a static import at the top of the file');
        return;
      case 'MetaProperty':
        at(node, `${node.meta.name}.${node.property.name} is not supported in k6 scripts`);
        return;
      case 'Identifier':
        if (node.name.startsWith(reservedPrefix)) at(node, `the name ${node.name} is reserved by dlt`);
        return;
      default:
        return;
    }
  });
  const scopes = analyze(parsed.ast as never, { ecmaVersion: 2022, sourceType: 'module' });
  for (const ref of scopes.globalScope?.through ?? []) {
    const name = ref.identifier.name;
    if (Object.hasOwn(refusedGlobals, name)) at(ref.identifier as unknown as AnyNode, refusedGlobals[name]);
  }
  const resolver = new Resolver(scopes);
  checkMembers(parsed, resolver, imports, at);
  return { parsed, resolver, imports, localSpecifiers, problems };
}

function moduleProblem(spec: string): { message: string; hint?: string } | undefined {
  if (isK6Module(spec)) return undefined;
  if (spec.startsWith('./') || spec.startsWith('../')) return undefined;
  if (Object.hasOwn(unsupportedModules, spec)) return { message: `${spec}: ${unsupportedModules[spec]}` };
  if (/^https?:\/\//.test(spec)) {
    return {
      message: `remote module ${spec} is not supported`,
      hint: 'download it next to the script and import it by a relative path (./name.js)',
    };
  }
  return {
    message: `module "${spec}" is not available`,
    hint: `modules: ${Object.keys(k6Modules).join(', ')}, or a relative path (./name.js)`,
  };
}

type At = (node: AnyNode, message: string, hint?: string) => void;

function readImport(node: ImportDeclaration, module: string | undefined, out: Map<string, ImportedName>, at: At) {
  if (module === undefined) return;
  const local = !isK6Module(module);
  for (const s of node.specifiers) {
    if (s.type === 'ImportSpecifier') {
      const imported = s.imported.type === 'Identifier' ? s.imported.name : String(s.imported.value);
      if (!local && !(k6Modules[module as keyof typeof k6Modules] as readonly string[]).includes(imported)) {
        at(s, `${imported} from ${module} is not supported`, `${module} offers ${exportsOf(module)}`);
      }
      out.set(s.local.name, { module, local, imported });
    } else if (s.type === 'ImportDefaultSpecifier') {
      out.set(s.local.name, { module, local, imported: local ? 'default' : '*' });
    } else {
      out.set(s.local.name, { module, local, imported: '*' });
    }
  }
}

function exportsOf(module: string): string {
  return (k6Modules[module as keyof typeof k6Modules] as readonly string[]).join(', ');
}

/** `http.file(…)`: a member of a k6 module object that dlt does not have. */
function checkMembers(parsed: ParsedModule, resolver: Resolver, imports: Map<string, ImportedName>, at: At) {
  walk(parsed.ast, (node) => {
    if (node.type !== 'MemberExpression') return;
    const m = node as MemberExpression;
    if (m.object.type !== 'Identifier' || m.computed || m.property.type !== 'Identifier') return;
    const imported = importOf(resolver, m.object, imports);
    if (imported === undefined || imported.local || imported.imported !== '*') return;
    const names = k6Modules[imported.module as keyof typeof k6Modules] as readonly string[];
    if (!names.includes(m.property.name)) {
      at(
        node,
        `${m.object.name}.${m.property.name} (${imported.module}) is not supported`,
        `it offers ${names.join(', ')}`,
      );
    }
  });
}

/** Resolves identifiers to the variables they refer to (undefined for globals). */
export class Resolver {
  readonly #refs = new Map<unknown, Reference>();
  readonly #declared = new Map<unknown, Variable>();

  constructor(scopes: ScopeManager) {
    for (const scope of scopes.scopes) {
      for (const ref of scope.references) this.#refs.set(ref.identifier, ref);
      for (const v of scope.variables) for (const id of v.identifiers) this.#declared.set(id, v);
    }
  }

  /** The variable a declaring identifier (`function f`, `const f`) declares. */
  declared(id: Identifier): Variable | undefined {
    return this.#declared.get(id);
  }

  variableOf(id: Identifier): Variable | undefined {
    return this.#refs.get(id)?.resolved ?? undefined;
  }

  /** Whether `id` is a reference that resolves to nothing declared in the module. */
  isGlobal(id: Identifier): boolean {
    const ref = this.#refs.get(id);
    return ref !== undefined && ref.resolved === null;
  }
}

/** The import an identifier refers to, if it resolves to an import binding of its module. */
export function importOf(
  resolver: Resolver,
  id: Identifier,
  imports: ReadonlyMap<string, ImportedName>,
): ImportedName | undefined {
  const variable = resolver.variableOf(id);
  if (variable === undefined || !variable.defs.some((d) => d.type === 'ImportBinding')) return undefined;
  return imports.get(id.name);
}
