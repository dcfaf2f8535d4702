/** `dlt convert`: write a JMeter plan or a k6 script as the equivalent simple (Taurus-style) YAML test, listing what was left behind. */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { badInput, type Problem } from '@dlt/model';
import { type ConvertTarget, convertFile, convertTargets, formatLost } from '@dlt/scripts';
import { exitCodes } from '../exit-codes.ts';

export const convertUsage = `Usage: dlt convert FILE --to yaml [-o OUT]

Writes FILE as the equivalent simple test definition (Taurus-style YAML), on standard output or
into OUT, where one exists.

A JMeter plan (.jmx): thread groups become executions (concurrency, ramp-up, hold-for,
iterations, start-time; the k6 form for the plugin thread groups), HTTP samplers requests (URL,
method, parameters, body, label), HTTP Request Defaults a default-address, Header Managers
headers, Constant Timers think-time; simple, transaction and counted loop controllers are
unrolled; \${__P(name,default)} becomes \${name:-default} (set it with dlt run -e).

A k6 script (.js): options become executions and thresholds; the k6/http calls of each
scenario's function whose URL, body and params are known before the run become requests
(tags.name the label), sleep() think-time, groups are inlined; __ENV.NAME || 'x' becomes
\${NAME:-x}.

Everything that could not be carried over is listed on standard error, one line each: for a
plan the element's path in the tree (type "name" > …), for a script its line, and why.

Options:
  -t, --to FORMAT   the format to write: yaml (the default)
  -o, --out PATH    write into PATH rather than standard output
  -h, --help        this help

Exit codes: 0 converted completely, 3 converted but something was left behind (listed),
2 bad input (unreadable, not a plan or a script, nothing convertible).
`;

/** Converts as the arguments say; returns the exit code. */
export async function convertCommand(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw badInput([{ message: (e as Error).message, hint: 'see dlt convert --help' }], 'bad arguments');
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(convertUsage);
    return exitCodes.ok;
  }
  const problems: Problem[] = [];
  const to = v.to ?? 'yaml';
  if (!(convertTargets as readonly string[]).includes(to))
    problems.push({ field: '--to', message: `cannot write "${to}"`, hint: `use ${convertTargets.join(', ')}` });
  if (parsed.positionals.length !== 1)
    problems.push({
      message: `expected one file to convert, got ${parsed.positionals.length}`,
      hint: 'see dlt convert --help',
    });
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  const file = parsed.positionals[0];
  const r = await convertFile(file, to as ConvertTarget);
  if (v.out !== undefined) await writeFile(v.out, r.text);
  else process.stdout.write(r.text);
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (r.lost.length === 0) return exitCodes.ok;
  process.stderr.write(`${file}: ${r.lost.length} thing${r.lost.length === 1 ? ' was' : 's were'} not carried over:\n`);
  for (const l of r.lost) process.stderr.write(`  ${formatLost(l)}\n`);
  return exitCodes.incomplete;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      to: { type: 'string', short: 't' },
      out: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
