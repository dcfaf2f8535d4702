/**
 * Environment interpolation in string values: `${NAME}`, `${NAME:-default}` (the default also
 * when NAME is empty, as in a shell) and `$${` for a literal `${`. Keys are never interpolated.
 */
import type { PathProblem } from './definition-issues.ts';

const reference = /\$\$\{|\$\{([^}]*)\}/g;
const reading = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** The interpolated value and one problem per unresolved or malformed reference. */
export interface Interpolated {
  readonly value: unknown;
  readonly problems: readonly PathProblem[];
}

/** Replaces references in every string of `value` (recursively) with values from `env`. */
export function interpolate(value: unknown, env: Readonly<Record<string, string | undefined>>): Interpolated {
  const problems: PathProblem[] = [];
  const walk = (v: unknown, path: PropertyKey[]): unknown => {
    if (typeof v === 'string')
      return interpolateString(v, env, (message, hint) => problems.push({ path, message, hint }));
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, [...path, k])]));
    }
    return v;
  };
  return { value: walk(value, []), problems };
}

function interpolateString(
  s: string,
  env: Readonly<Record<string, string | undefined>>,
  report: (message: string, hint?: string) => void,
): string {
  if (!s.includes('${')) return s;
  return s.replace(reference, (whole, inner: string | undefined) => {
    if (inner === undefined) return '${';
    const m = reading.exec(inner);
    if (m === null) {
      report(`${whole} is not a variable reference`, `write \${NAME} or \${NAME:-default}`);
      return whole;
    }
    const [, name, fallback] = m;
    const set = env[name];
    if (set !== undefined && (set !== '' || fallback === undefined)) return set;
    if (fallback !== undefined) return fallback;
    report(`\${${name}} is not set`, `pass -e ${name}=… or write \${${name}:-default}`);
    return whole;
  });
}
