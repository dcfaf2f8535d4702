/**
 * How deep a parsed JSON body nests. JSON.parse takes 100,000 nested lists within the body
 * limit, but JSON.stringify (the store, the agents' copies) overflows the stack on them, so
 * bodies are refused past a depth no real test needs.
 */

/** The deepest nesting a JSON body may have (a request body of a test counts its own levels too). */
export const maxJsonDepth = 64;

/** True when `value` nests lists or maps deeper than `max` levels; walks without recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
