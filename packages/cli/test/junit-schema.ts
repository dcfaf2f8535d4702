/**
 * A checker of the common JUnit XML schema (the one CI servers read, as in Ant's and Jenkins'
 * JUnit XSDs): `testsuites` › `testsuite` › `properties? testcase* system-out? system-err?`, a
 * test case holding at most one of `failure`, `error`, `skipped` (plus `system-out`/`system-err`),
 * the required attributes with their types, no unknown elements or attributes, and the suite's
 * counts equal to what it holds. Returns every violation, each with its path.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

type Node = Record<string, unknown>;

const int = /^\d+$/;
const decimal = /^-?\d+(\.\d+)?$/;
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

interface Rule {
  readonly required: Readonly<Record<string, RegExp | null>>;
  readonly optional: Readonly<Record<string, RegExp | null>>;
  readonly children: readonly string[];
}

const rules: Readonly<Record<string, Rule>> = {
  testsuites: {
    required: {},
    optional: { name: null, tests: int, failures: int, errors: int, disabled: int, time: decimal },
    children: ['testsuite'],
  },
  testsuite: {
    required: { name: null, tests: int, failures: int, errors: int },
    optional: {
      skipped: int,
      disabled: int,
      time: decimal,
      timestamp: dateTime,
      hostname: null,
      id: int,
      package: null,
    },
    children: ['properties', 'testcase', 'system-out', 'system-err'],
  },
  properties: { required: {}, optional: {}, children: ['property'] },
  property: { required: { name: null, value: null }, optional: {}, children: [] },
  testcase: {
    required: { name: null, classname: null },
    optional: { time: decimal, assertions: int, status: null },
    children: ['failure', 'error', 'skipped', 'system-out', 'system-err'],
  },
  failure: { required: { type: null }, optional: { message: null }, children: [] },
  error: { required: { type: null }, optional: { message: null }, children: [] },
  skipped: { required: {}, optional: { message: null }, children: [] },
  'system-out': { required: {}, optional: {}, children: [] },
  'system-err': { required: {}, optional: {}, children: [] },
};

const attr = '@_';
const childrenOf = (n: Node) => Object.keys(n).filter((k) => !k.startsWith(attr) && k !== '#text');
const asList = (v: unknown): Node[] => (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'object' && x ? x : {}));

function check(name: string, node: Node, path: string, out: string[]): void {
  const rule = rules[name];
  if (!rule) {
    out.push(`${path}: element <${name}> is not in the schema`);
    return;
  }
  for (const a of Object.keys(rule.required)) {
    if (node[attr + a] === undefined) out.push(`${path}: attribute ${a} is required`);
  }
  for (const key of Object.keys(node).filter((k) => k.startsWith(attr))) {
    const a = key.slice(attr.length);
    const pattern = a in rule.required ? rule.required[a] : a in rule.optional ? rule.optional[a] : undefined;
    if (pattern === undefined) out.push(`${path}: attribute ${a} is not allowed`);
    else if (pattern && !pattern.test(String(node[key]))) out.push(`${path}: ${a}="${node[key]}" is not valid`);
  }
  for (const child of childrenOf(node)) {
    if (!rule.children.includes(child)) out.push(`${path}: <${child}> is not allowed in <${name}>`);
    else {
      for (const [i, c] of asList(node[child]).entries()) check(child, c, `${path}/${child}[${i}]`, out);
    }
  }
  if (name === 'testcase') {
    const outcomes = ['failure', 'error', 'skipped'].filter((k) => node[k] !== undefined);
    if (outcomes.length > 1 || outcomes.some((k) => asList(node[k]).length > 1)) {
      out.push(`${path}: a test case holds at most one failure, error or skipped`);
    }
  }
  if (name === 'testsuite') {
    const cases = node.testcase === undefined ? [] : asList(node.testcase);
    const count = (k: string) => cases.filter((c) => c[k] !== undefined).length;
    const expect: [string, number][] = [
      ['tests', cases.length],
      ['failures', count('failure')],
      ['errors', count('error')],
      ...(node[`${attr}skipped`] === undefined ? [] : ([['skipped', count('skipped')]] as [string, number][])),
    ];
    for (const [a, n] of expect) {
      if (Number(node[attr + a]) !== n) out.push(`${path}: ${a}="${node[attr + a]}" but it holds ${n}`);
    }
  }
}

/** The schema violations of a JUnit XML document (empty when it is valid). */
export function junitViolations(xml: string): string[] {
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) return [`not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line})`];
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: attr, parseAttributeValue: false }).parse(
    xml,
  ) as Node;
  const roots = childrenOf(doc).filter((k) => k !== '?xml');
  if (roots.length !== 1 || !['testsuites', 'testsuite'].includes(roots[0])) {
    return [`the root must be one <testsuites> or <testsuite>, not ${roots.map((r) => `<${r}>`).join(' ')}`];
  }
  const out: string[] = [];
  check(roots[0], asList(doc[roots[0]])[0], roots[0], out);
  return out;
}

/** The test cases of a valid report, flattened: classname, name and outcome. */
export function junitCases(xml: string): { classname: string; name: string; outcome: string; message?: string }[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: attr }).parse(xml) as Node;
  const suites = asList((doc.testsuites as Node | undefined)?.testsuite ?? doc.testsuite);
  return suites.flatMap((s) =>
    (s.testcase === undefined ? [] : asList(s.testcase)).map((c) => {
      const outcome = ['failure', 'error', 'skipped'].find((k) => c[k] !== undefined) ?? 'passed';
      const detail = outcome === 'passed' ? undefined : (asList(c[outcome])[0][`${attr}message`] as string | undefined);
      return {
        classname: String(c[`${attr}classname`]),
        name: String(c[`${attr}name`]),
        outcome,
        ...(detail ? { message: detail } : {}),
      };
    }),
  );
}
