/**
 * Java (Perl 5) regular expressions as JavaScript ones: leading inline flags such as `(?i)` or
 * `(?s)` become flags; the rest of the syntax plans use is the same. Compiled once per pattern.
 */

const cache = new Map<string, RegExp | null>();

/** The pattern compiled (global not set), or undefined when JavaScript cannot read it. */
export function javaRegex(pattern: string): RegExp | undefined {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = compile(pattern);
    if (cache.size < 10_000) cache.set(pattern, re);
  }
  return re ?? undefined;
}

function compile(pattern: string): RegExp | null {
  let flags = '';
  let body = pattern;
  const inline = /^\(\?([imsx]+)\)/.exec(body);
  if (inline !== null) {
    body = body.slice(inline[0].length);
    for (const f of inline[1]) if (f !== 'x' && !flags.includes(f)) flags += f;
  }
  try {
    return new RegExp(body, flags);
  } catch {
    return null;
  }
}

/** Why `pattern` cannot be used, when it has no `${…}` to fill in first; else undefined. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.includes('${')) return undefined;
  return javaRegex(pattern) === undefined
    ? `the regular expression /${pattern}/ is not one JavaScript can run`
    : undefined;
}
