/**
 * Turns zod issues about a test definition into problems a user can act on: the field path as
 * written (`execution[0].ramp-up`), a plain message, a hint, and whether the key or the value
 * is at fault. `checkDefinition` is the one call the CLI, the agent and the server share.
 */
import type { z } from 'zod';
import { closest } from './closest.ts';
import type { TestDefinition } from './definition.ts';
import {
  executionSchema,
  requestObjectSchema,
  scenarioSchema,
  stageSchema,
  testDefinitionSchema,
} from './definition.ts';
import type { Problem, ProblemLocation } from './errors.ts';

/** A problem still keyed by its path in the input, before a location is attached. */
export interface PathProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly hint?: string;
  /** `key` when the field name itself is wrong (unknown, misplaced), so a locator points at the key. */
  readonly at?: 'key';
}

/** Writes a path the way a user reads it: `scenarios.api.requests[0].url`, `thresholds["x{label:a}"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(seg))) out += `${out === '' ? '' : '.'}${String(seg)}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** A path problem as a `Problem`, with the location a caller found for it (file, line, column). */
export function toProblem(p: PathProblem, where: ProblemLocation = {}): Problem {
  const field = fieldPath(p.path);
  return { ...where, ...(field === '' ? {} : { field }), message: p.message, ...(p.hint ? { hint: p.hint } : {}) };
}

type Issue = z.core.$ZodIssue;

/** Fields accepted at a path, for "did you mean" hints on unknown fields. */
function fieldsAt(path: readonly PropertyKey[]): readonly string[] {
  const shape = (s: { shape: Record<string, unknown> }) => Object.keys(s.shape);
  const [a, , c] = path;
  if (path.length === 0) return shape(testDefinitionSchema);
  if (a === 'execution' && path.length === 2) return shape(executionSchema);
  if (a === 'execution' && c === 'stages' && path.length === 4) return shape(stageSchema);
  if (a === 'scenarios' && path.length === 2) return shape(scenarioSchema);
  if (a === 'scenarios' && c === 'requests' && path.length === 4) {
    return shape(requestObjectSchema);
  }
  return [];
}

/** Taurus fields that dlt knows of but does not run yet: say so rather than "unknown". */
const taurusNotYet = new Set([
  'steps',
  'locations',
  'provisioning',
  'files',
  'properties',
  'data-sources',
  'variables',
  'store-cookie',
  'retrieve-resources',
  'concurrent-pool-size',
  'assert',
  'assert-jsonpath',
  'assert-xpath',
  'extract-regexp',
  'extract-jsonpath',
  'extract-css-jquery',
  'extract-xpath',
  'extract-boundary',
  'jsr223',
  'upload-files',
  'content-encoding',
  'set-variables',
  'include-scenario',
  'transaction',
  'modules',
  'settings',
  'services',
  'included-configs',
]);

function unknownField(path: readonly PropertyKey[], key: string): PathProblem {
  if (taurusNotYet.has(key))
    return { path: [...path, key], message: 'a Taurus field dlt does not support yet', at: 'key' };
  const fields = fieldsAt(path);
  const near = closest(key, fields);
  const hint =
    near !== undefined ? `did you mean ${near}?` : fields.length > 0 ? `fields: ${fields.join(', ')}` : undefined;
  return { path: [...path, key], message: 'unknown field', hint, at: 'key' };
}

const typeNames: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
};

/** How a value looks to its author: `"abc"`, `12`, `a list`, `a map`. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * Picks the union branch the author meant (the one whose own type matched) and reports its
 * issues; when no branch matched, says which types would have.
 */
function unionProblems(issue: Extract<Issue, { code: 'invalid_union' }>): PathProblem[] {
  if (issue.input === undefined) return [{ path: issue.path, message: 'required' }];
  const typeMiss = (i: Issue) => i.code === 'invalid_type' && i.path.length === 0;
  const meant = issue.errors.find((branch) => !branch.some(typeMiss));
  if (meant !== undefined)
    return meant.flatMap((i) => issueProblems({ ...i, path: [...issue.path, ...i.path] } as Issue));
  const expected = issue.errors.flatMap((b) =>
    b.filter(typeMiss).map((i) => typeNames[(i as { expected: string }).expected] ?? 'something else'),
  );
  const uniq = [...new Set(expected)];
  const list = uniq.length > 1 ? `${uniq.slice(0, -1).join(', ')} or ${uniq.at(-1)}` : (uniq[0] ?? 'something else');
  return [{ path: issue.path, message: `expected ${list}, got ${describe(issue.input)}` }];
}

/** The problems one zod issue stands for (an unknown-keys issue names several fields). */
export function issueProblems(issue: Issue): PathProblem[] {
  const path = issue.path;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => unknownField(path, k));
    case 'invalid_union':
      return unionProblems(issue);
    case 'invalid_type':
      if (issue.input === undefined) return [{ path, message: 'required' }];
      return [
        { path, message: `expected ${typeNames[issue.expected] ?? issue.expected}, got ${describe(issue.input)}` },
      ];
    case 'too_small':
      return [{ path, message: tooSmall(issue.origin, Number(issue.minimum)) }];
    case 'too_big':
      return [{ path, message: tooBig(issue.origin, Number(issue.maximum)) }];
    case 'invalid_value':
      if (issue.input === undefined) return [{ path, message: 'required' }];
      return [{ path, message: `${describe(issue.input)} is not one of ${issue.values.join(', ')}` }];
    case 'custom': {
      const params = (issue.params ?? {}) as { hint?: string; at?: 'key' };
      return [{ path, message: issue.message, hint: params.hint, at: params.at }];
    }
    case 'invalid_format':
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
      return [{ path, message: issue.message }];
  }
}

function tooSmall(origin: string, minimum: number): string {
  if (origin === 'array') return minimum === 1 ? 'needs at least one item' : `needs at least ${minimum} items`;
  if (origin === 'string') return minimum <= 1 ? 'must not be empty' : `must be at least ${minimum} characters`;
  return `must be at least ${minimum}`;
}

function tooBig(origin: string, maximum: number): string {
  if (origin === 'array') return `must have at most ${maximum} item${maximum === 1 ? '' : 's'}`;
  if (origin === 'string') return `must be at most ${maximum} characters`;
  return `must be at most ${maximum}`;
}

/** The outcome of checking a definition: the parsed value, or every problem keyed by path. */
export type DefinitionCheck =
  | { readonly ok: true; readonly value: TestDefinition }
  | { readonly ok: false; readonly problems: readonly PathProblem[] };

/** Validates a raw definition (already env-interpolated) and reports every problem at once. */
export function checkDefinition(raw: unknown): DefinitionCheck {
  const r = testDefinitionSchema.safeParse(raw, { reportInput: true });
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problems: r.error.issues.flatMap(issueProblems) };
}
