/**
 * The k6 jslib modules real scripts import by URL most (`k6-utils`, `k6-summary`, `url`,
 * `papaparse`), offered from local files of ours so such scripts run unchanged and without
 * network. Any other remote module stays an error with its hint.
 */
import { fileURLToPath } from 'node:url';

/** URL pattern → our module file. */
const known: readonly [RegExp, string][] = [
  [/^https:\/\/jslib\.k6\.io\/k6-utils\/[\w.-]+\/index\.js$/, 'k6-utils.js'],
  [/^https:\/\/jslib\.k6\.io\/k6-summary\/[\w.-]+\/index\.js$/, 'k6-summary.js'],
  [/^https:\/\/jslib\.k6\.io\/url\/[\w.-]+\/index\.js$/, 'url.js'],
  [/^https:\/\/jslib\.k6\.io\/papaparse\/[\w.-]+\/index\.js$/, 'papaparse.js'],
];

/** The local path standing for jslib module `spec`, or undefined when it is not one we offer. */
export function jslibPath(spec: string): string | undefined {
  const hit = known.find(([re]) => re.test(spec));
  return hit === undefined ? undefined : fileURLToPath(new URL(`./jslib/${hit[1]}`, import.meta.url));
}
