/** Reads an element's properties by name, with JMeter's defaults for missing ones. */
import type { JmxElement, JmxProp } from './jmx-tree.ts';

/** A property bag: an element, or an `elementProp` seen as one. */
export type PropBag = Pick<JmxElement, 'props'>;

/** The `elementProp`'s own properties as a bag. */
export function bagOf(p: JmxProp): PropBag {
  return { props: new Map(p.props.map((x) => [x.name, x])) };
}

/** A simple property's text, or `fallback` when absent. */
export function str(el: PropBag, name: string, fallback = ''): string {
  const p = el.props.get(name);
  return p === undefined ? fallback : p.value;
}

/** A boolean property (`true`/`false`), or `fallback` when absent or empty. */
export function bool(el: PropBag, name: string, fallback = false): boolean {
  const v = str(el, name).trim().toLowerCase();
  return v === '' ? fallback : v === 'true';
}

/** The items of a `collectionProp` (or of the collection inside an `elementProp`). */
export function items(el: PropBag, name: string): readonly JmxProp[] {
  return el.props.get(name)?.props ?? [];
}

/** A nested `elementProp` as a bag, or an empty bag. */
export function nested(el: PropBag, name: string): PropBag {
  const p = el.props.get(name);
  return p === undefined ? { props: new Map() } : bagOf(p);
}

/**
 * The name/value pairs of an `Arguments` element (user-defined variables, HTTP parameters), with
 * each item's other properties: `[{ name, value, item }]`.
 */
export function argumentList(args: PropBag): { name: string; value: string; item: PropBag }[] {
  return items(args, 'Arguments.arguments').map((p) => {
    const item = bagOf(p);
    return { name: str(item, 'Argument.name', p.name), value: str(item, 'Argument.value'), item };
  });
}

/** The arguments of the `Arguments` element nested in `el` as property `name`. */
export function argumentsOf(el: PropBag, name: string): { name: string; value: string; item: PropBag }[] {
  return argumentList(nested(el, name));
}
