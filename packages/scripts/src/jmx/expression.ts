/**
 * The small expression language behind `${__jexl3(…)}`, `${__groovy(…)}`, `${__javaScript(…)}`
 * and If/While conditions: the comparisons real plans write (`"${status}" == "OK"`,
 * `${count} < 10 && vars.get("token") != null`, `"${x}".equals("y")`), not a general language.
 * Anything outside it is a problem at compile time, never a silent guess.
 */
import type { Thread } from './scope.ts';
import type { Complain } from './template.ts';

type Value = string | number | boolean | null;

type Node =
  | { readonly k: 'lit'; readonly v: Value }
  | { readonly k: 'name'; readonly n: string }
  | { readonly k: 'not' | 'neg'; readonly a: Node }
  | { readonly k: 'bin'; readonly op: string; readonly a: Node; readonly b: Node }
  | { readonly k: 'if'; readonly c: Node; readonly a: Node; readonly b: Node }
  | { readonly k: 'call'; readonly target: Node | null; readonly m: string; readonly args: readonly Node[] }
  | { readonly k: 'prop'; readonly target: Node; readonly m: string };

const wordOps: Readonly<Record<string, string>> = {
  and: '&&',
  or: '||',
  not: '!',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

const tokenRe =
  /\s*(?:(\d+(?:\.\d+)?)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([A-Za-z_$][\w$]*)|(===|!==|==|!=|<=|>=|=~|!~|&&|\|\||[<>!+\-*/%().,?:]))/y;

function tokenize(src: string): string[] | null {
  const out: string[] = [];
  tokenRe.lastIndex = 0;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    tokenRe.lastIndex = at;
    const m = tokenRe.exec(src);
    if (m === null) return null;
    at = tokenRe.lastIndex;
    if (m[1] !== undefined) out.push(`#${m[1]}`);
    else if (m[2] !== undefined || m[3] !== undefined) out.push(`"${unescapeQuoted(m[2] ?? m[3])}`);
    else out.push(wordOps[m[4]] ?? m[4] ?? m[5]);
  }
  return out;
}

const unescapeQuoted = (s: string) => s.replace(/\\(.)/g, '$1');

const precedence: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '===': 3,
  '!==': 3,
  '=~': 3,
  '!~': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

/** A recursive-descent parser over the tokens; throws a message on anything else. */
class Parser {
  readonly #t: string[];
  #i = 0;
  constructor(tokens: string[]) {
    this.#t = tokens;
  }
  parse(): Node {
    const n = this.#ternary();
    if (this.#i < this.#t.length) throw new Error(`unexpected "${this.#t[this.#i].replace(/^[#"]/, '')}"`);
    return n;
  }
  #peek(): string | undefined {
    return this.#t[this.#i];
  }
  #take(want?: string): string {
    const tok = this.#t[this.#i++];
    if (tok === undefined) throw new Error('the expression ends too soon');
    if (want !== undefined && tok !== want) throw new Error(`expected "${want}"`);
    return tok;
  }
  #ternary(): Node {
    const c = this.#binary(1);
    if (this.#peek() !== '?') return c;
    this.#take();
    const a = this.#ternary();
    this.#take(':');
    return { k: 'if', c, a, b: this.#ternary() };
  }
  #binary(min: number): Node {
    let left = this.#unary();
    for (let op = this.#peek(); op !== undefined && (precedence[op] ?? 0) >= min; op = this.#peek()) {
      this.#take();
      left = { k: 'bin', op, a: left, b: this.#binary(precedence[op] + 1) };
    }
    return left;
  }
  #unary(): Node {
    const op = this.#peek();
    if (op === '!' || op === '-') {
      this.#take();
      return { k: op === '!' ? 'not' : 'neg', a: this.#unary() };
    }
    return this.#postfix(this.#primary());
  }
  #primary(): Node {
    const tok = this.#take();
    if (tok === '(') {
      const n = this.#ternary();
      this.#take(')');
      return n;
    }
    if (tok[0] === '#') return { k: 'lit', v: Number(tok.slice(1)) };
    if (tok[0] === '"') return { k: 'lit', v: tok.slice(1) };
    if (tok === 'true' || tok === 'false') return { k: 'lit', v: tok === 'true' };
    if (tok === 'null') return { k: 'lit', v: null };
    if (!/^[A-Za-z_$]/.test(tok)) throw new Error(`unexpected "${tok}"`);
    if (this.#peek() === '(') return { k: 'call', target: null, m: tok, args: this.#args() };
    return { k: 'name', n: tok };
  }
  #postfix(n: Node): Node {
    while (this.#peek() === '.') {
      this.#take();
      const m = this.#take();
      n = this.#peek() === '(' ? { k: 'call', target: n, m, args: this.#args() } : { k: 'prop', target: n, m };
    }
    return n;
  }
  #args(): Node[] {
    this.#take('(');
    const out: Node[] = [];
    while (this.#peek() !== ')') {
      out.push(this.#ternary());
      if (this.#peek() !== ')') this.#take(',');
    }
    this.#take(')');
    return out;
  }
}

/** Parses an expression, or throws with a message. */
export function parseExpression(src: string): Node {
  const tokens = tokenize(src);
  if (tokens === null) throw new Error('has characters outside the supported expressions');
  return new Parser(tokens).parse();
}

/**
 * Checks `source` at compile time (each `${…}` stands for a value) and returns an evaluator of
 * the substituted text at run time; what cannot be read then evaluates to `false`, as JMeter's
 * If controller treats an expression that fails.
 */
export function compileCondition(source: string, complain: Complain): (text: string, t: Thread) => string {
  try {
    check(parseExpression(withPlaceholders(source)));
  } catch (e) {
    complain(`cannot evaluate "${source}": ${(e as Error).message} (dlt supports simple comparisons only)`);
  }
  const cache = new Map<string, Node | null>();
  return (text, t) => {
    let node = cache.get(text);
    if (node === undefined) {
      try {
        node = parseExpression(text);
      } catch {
        node = null;
      }
      if (cache.size < 1_000) cache.set(text, node);
    }
    if (node === null) return 'false';
    const v = evaluate(node, t);
    return v === null ? 'null' : String(v);
  };
}

/** `source` with each `${…}` (nested ones included) standing as the value 0. */
function withPlaceholders(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '$' || source[i + 1] !== '{') {
      out += source[i];
      continue;
    }
    let depth = 0;
    let j = i;
    for (; j < source.length; j++) {
      if (source[j] === '$' && source[j + 1] === '{') {
        depth++;
        j++;
      } else if (source[j] === '}' && --depth === 0) break;
    }
    out += '0';
    i = j;
  }
  return out;
}

const methods = new Set([
  'get',
  'getObject',
  'getProperty',
  'equals',
  'equalsIgnoreCase',
  'contains',
  'startsWith',
  'endsWith',
  'isEmpty',
  'length',
  'trim',
  'toLowerCase',
  'toUpperCase',
  'matches',
  'parseInt',
  'parseFloat',
  'Number',
  'String',
  'empty',
  'size',
]);

/** Refuses names and methods outside the subset before anything runs. */
function check(n: Node): void {
  switch (n.k) {
    case 'lit':
      return;
    case 'name':
      if (!['vars', 'props', 'Integer', 'Long', 'Double', 'Math'].includes(n.n))
        throw new Error(`unknown name "${n.n}"`);
      return;
    case 'not':
    case 'neg':
      check(n.a);
      return;
    case 'bin':
      check(n.a);
      check(n.b);
      return;
    case 'if':
      check(n.c);
      check(n.a);
      check(n.b);
      return;
    case 'call':
      if (!methods.has(n.m)) throw new Error(`unsupported call "${n.m}"`);
      if (n.target) check(n.target);
      for (const a of n.args) check(a);
      return;
    case 'prop':
      if (n.m !== 'length') throw new Error(`unsupported property "${n.m}"`);
      check(n.target);
      return;
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : v === true ? 1 : v === false ? 0 : Number(v));
const isNum = (v: unknown) =>
  typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)));

function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if ((typeof a === 'number' || typeof b === 'number') && isNum(a) && isNum(b)) return num(a) === num(b);
  return String(a) === String(b);
}

function compare(op: string, a: Value, b: Value): boolean {
  const [x, y] = isNum(a) && isNum(b) ? [num(a), num(b)] : [String(a), String(b)];
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function binary(op: string, a: Value, b: Value): Value {
  switch (op) {
    case '==':
    case '===':
      return equal(a, b);
    case '!=':
    case '!==':
      return !equal(a, b);
    case '=~':
    case '!~':
      return (op === '=~') === safeRegex(String(b)).test(String(a));
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, a, b);
    case '+':
      return typeof a === 'number' && typeof b === 'number' ? a + b : `${a}${b}`;
    case '-':
      return num(a) - num(b);
    case '*':
      return num(a) * num(b);
    case '/':
      return num(a) / num(b);
    default:
      return num(a) % num(b);
  }
}

function safeRegex(s: string): RegExp {
  try {
    return new RegExp(s);
  } catch {
    return /$^/;
  }
}

const truthy = (v: Value) => v !== null && v !== false && v !== 0 && v !== '' && v !== 'false';

function evaluate(n: Node, t: Thread): Value {
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'name':
      return n.n;
    case 'not':
      return !truthy(evaluate(n.a, t));
    case 'neg':
      return -num(evaluate(n.a, t));
    case 'if':
      return truthy(evaluate(n.c, t)) ? evaluate(n.a, t) : evaluate(n.b, t);
    case 'bin': {
      if (n.op === '&&') return truthy(evaluate(n.a, t)) && truthy(evaluate(n.b, t));
      if (n.op === '||') return truthy(evaluate(n.a, t)) || truthy(evaluate(n.b, t));
      return binary(n.op, evaluate(n.a, t), evaluate(n.b, t));
    }
    case 'prop':
      return String(evaluate(n.target, t) ?? '').length;
    case 'call':
      return call(n, t);
  }
}

function call(n: Extract<Node, { k: 'call' }>, t: Thread): Value {
  const args = n.args.map((a) => evaluate(a, t));
  const self = n.target === null ? null : evaluate(n.target, t);
  const a0 = args[0];
  if (self === 'vars') return t.vars.get(String(a0)) ?? null;
  if (self === 'props') return t.test.props.get(String(a0)) ?? (args.length > 1 ? args[1] : null);
  if (n.m === 'parseInt' || n.m === 'parseFloat' || n.m === 'Number') return num(n.target === null ? a0 : a0);
  if (n.m === 'String') return String(a0);
  if (n.m === 'empty') return a0 === null || String(a0) === '';
  if (n.m === 'size') return String(a0 ?? '').length;
  const s = self === null ? '' : String(self);
  switch (n.m) {
    case 'equals':
      return equal(self, a0);
    case 'equalsIgnoreCase':
      return s.toLowerCase() === String(a0).toLowerCase();
    case 'contains':
      return s.includes(String(a0));
    case 'startsWith':
      return s.startsWith(String(a0));
    case 'endsWith':
      return s.endsWith(String(a0));
    case 'isEmpty':
      return s === '';
    case 'length':
      return s.length;
    case 'trim':
      return s.trim();
    case 'toLowerCase':
      return s.toLowerCase();
    case 'toUpperCase':
      return s.toUpperCase();
    case 'matches':
      return safeRegex(`^(?:${String(a0)})$`).test(s);
    default:
      return null;
  }
}
