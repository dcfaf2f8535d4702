/**
 * Rewrites JMeter's `${…}` references into the simple format's: a user-defined variable of the
 * plan is written in (it is a constant), `${__P(name,default)}` and `${__property(name,,default)}`
 * become `${name:-default}` (a variable `dlt run -e name=…` sets), and a literal `${` that
 * remains is escaped. Anything else (`${__Random(…)}`, a variable an extractor or a CSV data set
 * fills) cannot be computed by a simple test: it is reported and left in as literal text.
 */

/** Reports a reference that could not be carried over. */
export type OnUnknown = (reference: string) => void;

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The simple format's spelling of `text`; `vars` are the plan's user-defined variables (already rewritten). */
export function rewriteText(text: string, vars: ReadonlyMap<string, string>, onUnknown: OnUnknown): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('${', i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, at);
    const end = closing(text, at + 2);
    if (end < 0) {
      // An unterminated reference is text to JMeter as well.
      out += `$\${${escapeInner(text.slice(at + 2))}`;
      break;
    }
    out += rewriteReference(text.slice(at + 2, end), vars, onUnknown);
    i = end + 1;
  }
  return out;
}

/** The index of the `}` closing a reference whose body starts at `from`, nested `${…}` and `(…)` skipped. */
function closing(text: string, from: number): number {
  let braces = 0;
  let parens = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') parens++;
    else if (c === ')') parens = Math.max(0, parens - 1);
    else if (c === '{') braces++;
    else if (c === '}') {
      if (braces === 0 && parens === 0) return i;
      if (braces > 0) braces--;
    }
  }
  return -1;
}

function rewriteReference(body: string, vars: ReadonlyMap<string, string>, onUnknown: OnUnknown): string {
  const known = vars.get(body);
  if (known !== undefined) return known;
  const prop = /^__(P|property)\((.*)\)$/s.exec(body);
  if (prop) {
    const args = prop[2].split(',');
    const name = args[0].trim();
    // __P(name, default); __property(name, variable, default).
    const fallback = prop[1] === 'P' ? args.slice(1).join(',') : args.slice(2).join(',');
    if (envName.test(name) && !/[{}$]/.test(fallback)) {
      return args.length > (prop[1] === 'P' ? 1 : 2) ? `\${${name}:-${fallback}}` : `\${${name}}`;
    }
  }
  onUnknown(`\${${body}}`);
  return `$\${${escapeInner(body)}}`;
}

/** Text kept as written: every `${` in it escaped, nested ones too. */
function escapeInner(text: string): string {
  return text.replaceAll('${', () => '$${');
}
