/**
 * Reads a .jmx file into a tree of test elements. JMeter writes each element followed by a
 * `hashTree` of its children; this turns those pairs into plain nested objects with their
 * properties, skipping disabled elements. The XML is read with entity processing off and any
 * DOCTYPE refused, so no entity can expand or reach outside the file; size and depth are capped.
 */
import type { Problem } from '@dlt/model';
import { XMLParser } from 'fast-xml-parser';

/** One property: a simple value (`stringProp`, `boolProp`…) or a nested element or collection. */
export interface JmxProp {
  readonly name: string;
  /** The XML tag: `stringProp`, `boolProp`, `intProp`, `elementProp`, `collectionProp`, `FloatProperty`… */
  readonly type: string;
  readonly value: string;
  readonly elementType?: string;
  readonly props: readonly JmxProp[];
}

/** One enabled test element and its enabled children. */
export interface JmxElement {
  /** The test class (`HTTPSamplerProxy`, `kg.apc.jmeter.threads.UltimateThreadGroup`). */
  readonly type: string;
  readonly guiclass: string;
  readonly name: string;
  readonly props: ReadonlyMap<string, JmxProp>;
  readonly children: readonly JmxElement[];
  /** Where it sits, for messages: `ThreadGroup "Users" > LoopController > HTTPSamplerProxy "home"`. */
  readonly path: string;
}

/** Caps on a plan's XML. */
export const jmxLimits = { maxBytes: 20 * 1024 * 1024, maxDepth: 400 } as const;

export type JmxTreeResult =
  | { readonly ok: true; readonly plan: JmxElement }
  | { readonly ok: false; readonly problems: readonly Problem[] };

type XmlNode = Record<string, unknown>;
const attrsKey = ':@';

/** Parses a plan's text; `source` names the file in problems. */
export function parseJmx(text: string, source: string): JmxTreeResult {
  const fail = (message: string, hint?: string): JmxTreeResult => ({
    ok: false,
    problems: [{ file: source, message, hint }],
  });
  if (text.length > jmxLimits.maxBytes) return fail(`the plan is larger than ${jmxLimits.maxBytes} bytes`);
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    return fail('the plan declares a DOCTYPE or entities, which are refused', 'JMeter never writes one; remove it');
  }
  let nodes: XmlNode[];
  try {
    nodes = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      cdataPropName: '#cdata',
      maxNestedTags: jmxLimits.maxDepth,
    }).parse(text) as XmlNode[];
  } catch (e) {
    const message = (e as Error).message;
    if (/nested/i.test(message)) return fail(`the plan nests deeper than ${jmxLimits.maxDepth} levels`);
    return fail(`not well-formed XML: ${message}`);
  }
  const root = nodes.find((n) => tagOf(n) === 'jmeterTestPlan');
  if (root === undefined) return fail('not a JMeter plan: no <jmeterTestPlan> root');
  const top = childNodes(root).find((n) => tagOf(n) === 'hashTree');
  const plans = top === undefined ? [] : elementsOf(top, '');
  if (plans.length !== 1 || plans[0].type !== 'TestPlan')
    return fail('not a JMeter plan: no enabled TestPlan at the top');
  return { ok: true, plan: plans[0] };
}

function tagOf(n: XmlNode): string {
  for (const k of Object.keys(n)) if (k !== attrsKey) return k;
  return '';
}

function childNodes(n: XmlNode): XmlNode[] {
  const v = n[tagOf(n)];
  return Array.isArray(v) ? (v as XmlNode[]) : [];
}

function attrs(n: XmlNode): Record<string, string> {
  const raw = (n[attrsKey] ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = decodeXml(String(v));
  return out;
}

/** The elements of a `hashTree`: each element node with the `hashTree` that follows it. */
function elementsOf(tree: XmlNode, parentPath: string): JmxElement[] {
  const out: JmxElement[] = [];
  const kids = childNodes(tree).filter((n) => tagOf(n) !== '#text');
  for (let i = 0; i < kids.length; i++) {
    const node = kids[i];
    if (tagOf(node) === 'hashTree') continue;
    const next = kids[i + 1];
    const subtree = next !== undefined && tagOf(next) === 'hashTree' ? next : undefined;
    const a = attrs(node);
    if (a.enabled === 'false') continue;
    const type = a.testclass || tagOf(node);
    const name = a.testname ?? '';
    const here = `${type}${name ? ` "${name}"` : ''}`;
    const path = type === 'TestPlan' ? '' : parentPath ? `${parentPath} > ${here}` : here;
    const props = new Map<string, JmxProp>();
    for (const p of propsOf(node)) props.set(p.name, p);
    const children = subtree === undefined ? [] : elementsOf(subtree, path);
    out.push({ type, guiclass: a.guiclass ?? '', name, props, children, path: path || `TestPlan "${name}"` });
  }
  return out;
}

function propsOf(node: XmlNode): JmxProp[] {
  return childNodes(node)
    .filter((n) => /Prop$|Property$/.test(tagOf(n)))
    .map(propOf);
}

function propOf(n: XmlNode): JmxProp {
  const a = attrs(n);
  const type = tagOf(n);
  const nested = type === 'elementProp' || type === 'collectionProp' || type === 'objProp';
  // doubleProp and floatProp write their name and value as child elements.
  const part = (tag: string) => childNodes(n).find((c) => tagOf(c) === tag);
  const named = a.name === undefined ? part('name') : undefined;
  const valueNode = named === undefined ? n : (part('value') ?? n);
  return {
    name: a.name ?? (named === undefined ? '' : textOf(named)),
    type,
    value: nested || (named !== undefined && valueNode === n) ? '' : textOf(valueNode),
    elementType: a.elementType,
    props: nested ? propsOf(n) : [],
  };
}

function textOf(n: XmlNode): string {
  let s = '';
  for (const c of childNodes(n)) {
    if ('#text' in c) s += decodeXml(String(c['#text']));
    else if ('#cdata' in c)
      s += childNodes(c)
        .map((t) => String(t['#text'] ?? ''))
        .join('');
  }
  return s;
}

const entities: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined XML entities and character references; anything else is left as written. */
export function decodeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return entities[ref] ?? whole;
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
