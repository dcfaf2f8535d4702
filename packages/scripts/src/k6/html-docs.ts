/**
 * The host side of k6's `res.html()` and `k6/html` `parseHTML`: documents parsed with
 * htmlparser2 and queried with css-select, kept per VU and named by numbers, so the script's
 * Selection (made in its own realm) holds only numbers and strings, never a node of Node's realm.
 */
import { is, selectAll } from 'css-select';
import type { AnyNode, Document, Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';

/** Documents a VU keeps at once; older ones are dropped (a Selection on one then finds nothing). */
const maxDocs = 32;

interface Doc {
  readonly root: Document;
  readonly nodes: AnyNode[];
  readonly ids: Map<AnyNode, number>;
}

/** One VU's parsed documents. */
export class HtmlDocs {
  readonly #docs = new Map<number, Doc>();
  #next = 1;

  /** Parses `text`; the document's number. Node 0 of a document is its root. */
  parse(text: string): number {
    const root = parseDocument(String(text));
    const id = this.#next++;
    this.#docs.set(id, { root, nodes: [root], ids: new Map([[root, 0]]) });
    if (this.#docs.size > maxDocs) this.#docs.delete(this.#docs.keys().next().value as number);
    return id;
  }

  /** Elements matching `selector` under the nodes `ids`, in document order, as JSON ids. */
  find(doc: number, ids: readonly number[], selector: string): string {
    const d = this.#docs.get(doc);
    if (d === undefined) return '[]';
    // Each node on its own: a document is searched whole, an element below itself (jQuery's find).
    const found = this.#nodes(d, ids).flatMap((n) => selectAll<AnyNode, Element>(String(selector), n));
    return this.#idsOf(d, found);
  }

  /** Reads `what` of the nodes `ids` (see the cases); strings, or JSON ids for node sets. */
  read(doc: number, ids: readonly number[], what: string, arg: string): string | undefined {
    const d = this.#docs.get(doc);
    if (d === undefined) return what === 'text' || what === 'html' ? '' : undefined;
    const nodes = this.#nodes(d, ids);
    const elements = nodes.filter((n): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style');
    const first = elements[0];
    const matches = (n: Element) => arg === '' || is(n, arg);
    switch (what) {
      case 'text':
        return DomUtils.textContent(nodes);
      case 'html':
        return first === undefined ? undefined : DomUtils.getInnerHTML(first);
      case 'attr':
        return first?.attribs[arg];
      case 'val':
        return first === undefined ? undefined : formValue(first);
      case 'children':
        return this.#idsOf(
          d,
          elements.flatMap((e) => DomUtils.getChildren(e).filter(isElement).filter(matches)),
        );
      case 'parent':
        return this.#idsOf(
          d,
          elements.map((e) => e.parent).filter((p): p is Element => p !== null && isElement(p)),
        );
      case 'next':
        return this.#idsOf(
          d,
          elements
            .map((e) => DomUtils.nextElementSibling(e))
            .filter(isPresent)
            .filter(matches),
        );
      case 'prev':
        return this.#idsOf(
          d,
          elements
            .map((e) => DomUtils.prevElementSibling(e))
            .filter(isPresent)
            .filter(matches),
        );
      case 'closest':
        return this.#idsOf(d, elements.map((e) => closest(e, arg)).filter(isPresent));
      case 'filter':
        return this.#idsOf(
          d,
          elements.filter((e) => is(e, arg)),
        );
      case 'name':
        return first?.name;
      default:
        throw new Error(`unknown html read "${what}"`);
    }
  }

  #nodes(d: Doc, ids: readonly number[]): AnyNode[] {
    return Array.from(ids, (i) => d.nodes[Number(i)]).filter((n): n is AnyNode => n !== undefined);
  }

  #idsOf(d: Doc, nodes: readonly AnyNode[]): string {
    const out: number[] = [];
    for (const n of nodes) {
      let id = d.ids.get(n);
      if (id === undefined) {
        id = d.nodes.length;
        d.nodes.push(n);
        d.ids.set(n, id);
      }
      if (!out.includes(id)) out.push(id);
    }
    return JSON.stringify(out);
  }
}

const isElement = (n: AnyNode): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style';
const isPresent = <T>(x: T | null | undefined): x is T => x !== null && x !== undefined;

function closest(e: Element, selector: string): Element | undefined {
  for (let n: Element | null = e; n !== null; n = n.parent !== null && isElement(n.parent) ? n.parent : null) {
    if (is(n, selector)) return n;
  }
  return undefined;
}

/** The value of a form element, as jQuery's `val()` gives it. */
function formValue(e: Element): string | undefined {
  switch (e.name) {
    case 'textarea':
      return DomUtils.textContent(e);
    case 'select': {
      const options = selectAll<AnyNode, Element>('option', e);
      const chosen = options.find((o) => o.attribs.selected !== undefined) ?? options[0];
      return chosen === undefined ? undefined : (chosen.attribs.value ?? DomUtils.textContent(chosen));
    }
    case 'option':
      return e.attribs.value ?? DomUtils.textContent(e);
    default:
      return e.attribs.value;
  }
}
