/**
 * `dlt report`: a run's report as one self-contained HTML file (or its numbers as CSV / JSON),
 * written to standard output or `--output PATH`. From a server by run id, or rendered here from
 * a summary that `dlt run --out json=…` (or `dlt tests run --out json=…`) wrote.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError, createClient } from '@dlt/client';
import { badInput, type Problem } from '@dlt/model';
import { type ReportSummary, renderReportHtml, statsCsv, timelineCsv } from '@dlt/server';
import { writeOutput } from '../ci/outputs.ts';
import { exitCodes } from '../exit-codes.ts';

export const reportUsage = `Usage: dlt report RUN_ID [options] > report.html
       dlt report --from SUMMARY.json [--baseline SUMMARY.json] > report.html

Writes a run's report: one HTML file that needs no network (summary, thresholds and checks,
timeline charts, per-label and per-region tables, the comparison with the baseline).

  RUN_ID                 a run on the server (--server URL --token T, or DLT_SERVER / DLT_TOKEN)
      --from FILE        render a summary written by --out json=FILE instead (no server)
      --baseline FILE    with --from: a summary to compare with
      --title TEXT       with --from: the report's title (default: the file's name)
  -f, --format F         html (default), csv (per label and region), timeline.csv, json (server only)
  -o, --output PATH      write to PATH instead of standard output
  -s, --server URL       the server's address                  (DLT_SERVER)
  -t, --token TOKEN      an API token                          (DLT_TOKEN)
  -h, --help             this help
`;

const formats = ['html', 'csv', 'timeline.csv', 'json'] as const;
type Format = (typeof formats)[number];

const options = {
  from: { type: 'string' },
  baseline: { type: 'string' },
  title: { type: 'string' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  server: { type: 'string', short: 's' },
  token: { type: 'string', short: 't' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function parse(argv: readonly string[]): { v: Values; runId?: string; format: Format } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw badInput([{ message: (e as Error).message, hint: 'see dlt report --help' }], 'bad arguments');
  }
  const v = parsed.values;
  const problems: Problem[] = [];
  const format = (v.format ?? 'html') as Format;
  if (!formats.includes(format)) problems.push({ field: '--format', message: `must be one of ${formats.join(', ')}` });
  const [runId, ...extra] = parsed.positionals;
  if (!v.help) {
    if (extra.length > 0) problems.push({ message: `expected one RUN_ID, got ${parsed.positionals.length}` });
    if (v.from === undefined && runId === undefined) problems.push({ message: 'give a RUN_ID or --from FILE' });
    if (v.from !== undefined && runId !== undefined)
      problems.push({ field: '--from', message: 'use a RUN_ID or --from, not both' });
    if (v.from !== undefined && format === 'json')
      problems.push({ field: '--format', message: 'json needs a run on a server' });
    if (v.from === undefined) {
      for (const flag of ['baseline', 'title'] as const) {
        if (v[flag] !== undefined) problems.push({ field: `--${flag}`, message: 'only with --from' });
      }
      if (!(v.server ?? process.env.DLT_SERVER))
        problems.push({ field: '--server', message: 'is required (or set DLT_SERVER)' });
    }
  }
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  return { v, format, ...(runId === undefined ? {} : { runId }) };
}

/** A summary file, checked enough to draw (its totals and thresholds). */
async function readSummary(flag: string, file: string): Promise<ReportSummary> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw badInput([{ field: flag, file, message: `cannot read a JSON summary: ${why}` }]);
  }
  const s = raw as Partial<ReportSummary> | null;
  if (
    typeof s?.totals?.requests !== 'number' ||
    typeof s.totals.responseTime?.p95 !== 'number' ||
    typeof s.labels !== 'object'
  ) {
    throw badInput([{ field: flag, file, message: 'is not a run summary (written by --out json=FILE)' }]);
  }
  return s as ReportSummary;
}

async function fromFile(v: Values, format: Format): Promise<string> {
  const file = v.from as string;
  const summary = await readSummary('--from', file);
  if (format === 'csv') return statsCsv(summary);
  if (format === 'timeline.csv') return timelineCsv(summary);
  const baseline = v.baseline === undefined ? undefined : await readSummary('--baseline', v.baseline);
  return renderReportHtml({
    title: v.title ?? basename(file),
    status: 'complete',
    summary,
    ...(baseline ? { baseline: { runId: basename(v.baseline ?? ''), summary: baseline } } : {}),
  });
}

export async function reportCommand(argv: readonly string[]): Promise<number> {
  const { v, runId, format } = parse(argv);
  if (v.help) {
    process.stdout.write(reportUsage);
    return exitCodes.ok;
  }
  let text: string;
  if (runId === undefined) {
    text = await fromFile(v, format);
  } else {
    const client = createClient({
      baseUrl: (v.server ?? process.env.DLT_SERVER) as string,
      token: v.token ?? process.env.DLT_TOKEN,
    });
    try {
      text = await client.downloadReport(runId, format);
    } catch (e) {
      if (!ApiError.is(e)) throw e;
      process.stderr.write(`dlt report: ${e.message} (${e.status || 'no answer'} ${e.code})\n`);
      return e.status === 400 ? exitCodes.badInput : exitCodes.error;
    }
  }
  if (v.output) await writeOutput('--output', v.output, text);
  else process.stdout.write(text);
  return exitCodes.ok;
}
