/**
 * The error catalogue shared by every package: stable codes, one class, problems collected
 * rather than thrown one at a time.
 */

/** Where a problem sits in an input: file, 1-based line and column, and a field path. */
export interface ProblemLocation {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Field path as written by a user: `execution[0].ramp-up`. */
  readonly field?: string;
}

/** One thing wrong with an input. Validation returns all of them at once. */
export interface Problem extends ProblemLocation {
  readonly message: string;
  readonly hint?: string;
}

export const ErrorCode = {
  /** The input (file, flag, body) is invalid: exit code 2. */
  BadInput: 'DLT_ERR_BAD_INPUT',
  /** A threshold was crossed: exit code 99. */
  ThresholdCrossed: 'DLT_ERR_THRESHOLD',
  /** Anything else: exit code 1. */
  Internal: 'DLT_ERR_INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Renders a problem as `file:line:col field: message (hint)`. */
export function formatProblem(p: Problem): string {
  let where = '';
  if (p.file) where += p.file;
  if (p.line !== undefined) where += `${where ? ':' : ''}${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
  const field = p.field ? `${p.field}: ` : '';
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${where ? `${where} ` : ''}${field}${p.message}${hint}`;
}

const brand = Symbol.for('dlt.error');

/** The one error class: a code, a message, and for bad input every problem found. */
export class DltError extends Error {
  readonly code: ErrorCode;
  readonly problems: readonly Problem[];
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options?: { problems?: readonly Problem[]; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DltError';
    this.code = code;
    this.problems = options?.problems ?? [];
  }

  /** Works across duplicate copies of the package, unlike `instanceof`. */
  static is(e: unknown): e is DltError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
  }
}

/** A bad-input error carrying every problem; the message lists them one per line. */
export function badInput(problems: readonly Problem[], summary?: string): DltError {
  const head = summary ?? (problems.length === 1 ? 'invalid input' : `${problems.length} problems in the input`);
  const lines = problems.map((p) => `  ${formatProblem(p)}`).join('\n');
  return new DltError(ErrorCode.BadInput, `${head}:\n${lines}`, { problems });
}
