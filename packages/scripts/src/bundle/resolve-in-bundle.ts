/** Resolves a path written in one bundle file (a CSV named in a plan) against the bundle. */

/**
 * The bundle path of `relative` as seen from the bundle file `from` (`tests/plan.jmx` +
 * `../data/a.csv` → `data/a.csv`), or undefined when it is absolute or climbs out of the bundle.
 */
export function resolveInBundle(from: string, relative: string): string | undefined {
  if (/^([/\\]|[A-Za-z]:)/.test(relative) || relative.includes('\0')) return undefined;
  const parts = from.split('/').slice(0, -1);
  for (const seg of relative.split(/[/\\]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') parts.push(seg);
    else if (parts.pop() === undefined) return undefined;
  }
  return parts.join('/');
}
