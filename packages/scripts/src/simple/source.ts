/**
 * Reads the text of a YAML or JSON test file into a plain value and a locator that maps a
 * field path back to the line and column where the user wrote it. JSON goes through the YAML
 * parser as well (JSON is YAML) so both formats get positions the same way.
 */
import type { PathProblem, Problem } from '@dlt/model';
import { fieldPath } from '@dlt/model';
import type { Document, Node } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';

/** Where a path problem sits: its line and column, and the path trimmed to what exists in the file. */
export type Locator = (p: PathProblem) => { line: number; column: number; path: readonly PropertyKey[] };

/** A parsed file: the value, a locator, or the syntax problems that stopped parsing. */
export type ParsedSource =
  | { readonly ok: true; readonly value: unknown; readonly locate: Locator }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Parses `text` (YAML, or JSON when `json`) from `file`, keeping positions. */
export function parseSource(source: string, file: string, json: boolean): ParsedSource {
  // Editors on Windows start UTF-8 files with a byte order mark; JSON.parse refuses it.
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  if (text.trim() === '') return { ok: false, problems: [{ file, line: 1, column: 1, message: 'the file is empty' }] };
  let jsonValue: unknown;
  if (json) {
    try {
      jsonValue = JSON.parse(text);
    } catch (e) {
      return { ok: false, problems: [jsonProblem(text, file, e as Error)] };
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line ?? 1,
        column: e.linePos?.[0].col ?? 1,
        message: yamlMessage(e.code, e.message),
      })),
    };
  }
  let value: unknown;
  try {
    value = json ? jsonValue : doc.toJS({ maxAliasCount: 1_000 });
  } catch (e) {
    // The yaml package refuses an alias bomb (aliases of aliases that expand exponentially) by throwing.
    if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
    return { ok: false, problems: [aliasBombProblem(doc, lineCounter, file)] };
  }
  if (value === null || value === undefined) {
    return { ok: false, problems: [{ file, line: 1, column: 1, message: 'the file is empty' }] };
  }
  return { ok: true, value, locate: locator(doc, lineCounter) };
}

/** The yaml package's message in our words where it speaks of its own API. */
function yamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return 'the file holds more than one YAML document (a second ---); a test is one document';
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** The problem of a file whose aliases expand too much, placed at its first alias. */
function aliasBombProblem(doc: Document, lc: LineCounter, file: string): Problem {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  const { line, col } = lc.linePos(offset);
  return {
    file,
    line,
    column: col,
    message: 'its aliases expand to too much data',
    hint: 'an alias of a list of aliases multiplies its size: write the values out or nest fewer aliases',
  };
}

/** V8 says `… in JSON at position 9 (line 1 column 10)`; older forms give only the position. */
function jsonProblem(text: string, file: string, e: Error): Problem {
  const lc = /\(line (\d+) column (\d+)\)/.exec(e.message);
  const pos = /at position (\d+)/.exec(e.message);
  let line = 1;
  let column = 1;
  if (lc !== null) [line, column] = [Number(lc[1]), Number(lc[2])];
  else if (pos !== null) {
    const before = text.slice(0, Number(pos[1])).split('\n');
    [line, column] = [before.length, before.at(-1)!.length + 1];
  }
  const message = e.message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/s, '');
  return { file, line, column, message: `not valid JSON: ${message}` };
}

function locator(doc: Document, lc: LineCounter): Locator {
  const at = (n: { range?: [number, number, number] | null } | null | undefined) => {
    const p = lc.linePos(n?.range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  };
  return (p) => {
    let node: Node | null = doc.contents;
    for (let i = 0; i < p.path.length; i++) {
      const seg = p.path[i];
      if (isAlias(node)) node = node.resolve(doc) ?? null;
      // `execution[0]` of a file that wrote its one execution as a map (Taurus's shorthand).
      if (seg === 0 && isMap(node) && p.path[i - 1] === 'execution' && i === 1) continue;
      if (isMap(node)) {
        const pair = node.items.find(
          (it) => isPair(it) && String(isScalar(it.key) ? it.key.value : it.key) === String(seg),
        );
        if (pair === undefined) return { ...at(node), path: p.path };
        const last = i === p.path.length - 1;
        if ((last && p.at === 'key') || pair.value === null) return { ...at(pair.key as Node), path: p.path };
        node = pair.value as Node;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        node = node.items[seg] as Node;
      } else {
        // A scalar where the path goes deeper (`- http://host/` for a request): the scalar is the field.
        return { ...at(node), path: isSeq(node) ? p.path : p.path.slice(0, i) };
      }
    }
    return { ...at(node), path: p.path };
  };
}

/** A located problem, ready for `badInput`. */
export function locatedProblem(p: PathProblem, file: string, locate?: Locator): Problem {
  const where = locate?.(p);
  const field = fieldPath(where?.path ?? p.path);
  return {
    file,
    ...(where ? { line: where.line, column: where.column } : {}),
    ...(field === '' ? {} : { field }),
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
  };
}
