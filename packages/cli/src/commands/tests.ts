/**
 * `dlt tests …`: the tests stored on a server — list them, create one from a file, run one
 * (stored, or straight from a file) and wait for it like `dlt run` does, cancel a run, and
 * show results. Every subcommand takes `--server` and `--token` (or DLT_SERVER / DLT_TOKEN) and
 * `--json` for scripts.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError, createClient, type DltClient, type Scenario, type ScenarioInput } from '@dlt/client';
import { badInput, formatProblem, type Problem, type RunSummary, toProblem } from '@dlt/model';
import { interpolate, loadTestFile } from '@dlt/scripts';
import { parse as parseYaml } from 'yaml';
import { parseCiFlags, writeNotRunJunit } from '../ci/outputs.ts';
import { afterServerRun } from '../ci/server-run.ts';
import { exitCodes } from '../exit-codes.ts';
import { formatMs, painter } from '../output/format.ts';
import { renderSummary } from '../output/summary-report.ts';
import { renderTable } from '../output/table.ts';
import { isScriptFile, type ScriptTestOptions, storeScriptTest } from './tests-script.ts';
import { outcomeCode, waitForRun } from './tests-wait.ts';
import { watchRun } from './tests-watch.ts';

const common = `Server (each also from the environment):
  -s, --server URL     the server's address, e.g. http://127.0.0.1:8080   (DLT_SERVER)
  -t, --token TOKEN    an API token or a session token from login          (DLT_TOKEN)
      --json           print JSON for scripts instead of tables
  -h, --help           this help`;

const usages = {
  tests: `Usage: dlt tests <list|create|run|watch|cancel|results|baseline> [options]

Works with the tests stored on a dlt server.
  list                 the tests, their status and runs
  create FILE          store a test from a file (not run)
  run ID|FILE          run a stored test, or store and run a file; --wait follows it
  watch ID             follow the test's run live (started anywhere) until it ends
  cancel ID            cancel the test's running run
  results ID           the latest run's results (--run RUNID for another)
  baseline ID          set the run that --fail-on-regression compares with

${common}

Run 'dlt tests <subcommand> --help' for its options.
`,
  list: `Usage: dlt tests list [--tags a,b] [options]\n\nLists the tests (only those with any of --tags).\n\n${common}\n`,
  create: `Usage: dlt tests create FILE [options]

Stores a test without running it. FILE is either a seed-style body (JSON or YAML with
testName, testType, testTaskConfigs, testScenario…), a plain test definition (execution,
scenarios, thresholds: see docs/format.md), or a JMeter plan (.jmx), a k6 script (.js, .ts) or
a zip of either with its data files (checked here, then uploaded: see docs/scripts.md), wrapped
with the options below.

Wrapping a test definition:
      --name NAME          test name (default: the file's name)
      --description TEXT   description (default: "from FILE")
      --region NAME        region of its tasks (default: local)
      --tasks N            tasks in that region (default 1)
      --concurrency N      users per task for Taurus-style items (default: the first item's, or 1)
      --id ID              update this stored test rather than create one
  -e, --env NAME=VALUE     a value for \${NAME} in the file (repeatable; else this shell's
                           environment, else the \${NAME:-default}); resolved before it is stored

${common}
`,
  run: `Usage: dlt tests run ID|FILE [options]

Runs a stored test (ID) or stores and runs FILE (see 'dlt tests create --help' for the file and
its options). With --wait it follows the run once a second and exits like 'dlt run':
0 passed, 99 a threshold was crossed, 1 failed or cancelled.

      --wait               follow the run to its end, then print its results
  -q, --quiet              with --wait: no progress lines
(and the wrapping options of create)

For CI (with --wait):
      --junit PATH         write a JUnit XML report: a test case per threshold and per check
  -o, --out json=PATH      write the run's summary as JSON (repeatable)
      --fail-on-regression PCT
                           compare with the test's baseline run; exit 99 when the p95 response
                           time or the error rate is worse by more than PCT percent

${common}
`,
  watch: `Usage: dlt tests watch ID [--run RUNID] [options]

Follows the test's latest run (or RUNID) live, wherever it was started: one line a second with
the run's VUs, requests per second, p95, totals and errors, and each region's rate and p95 when
there are several. A watcher that comes late first catches up on the seconds it missed; a
dropped stream (a server restarting) is followed again. When the run ends its results are
printed. Exit code: 0 passed, 99 a threshold was crossed, 1 failed or cancelled.
With --json: one JSON object per line, each a status or a merged second as the server sent it.

${common}
`,
  cancel: `Usage: dlt tests cancel ID [options]\n\nCancels the test's running run; what it measured is kept.\n\n${common}\n`,
  results: `Usage: dlt tests results ID [--run RUNID] [options]

Prints the results of the test's latest run (or of RUNID). Exit code 99 when a threshold was
crossed, 1 when the run failed or was cancelled. Takes --junit, --out and --fail-on-regression
as 'dlt tests run' does.

${common}
`,
  baseline: `Usage: dlt tests baseline ID [--run RUNID] [options]

Makes the test's latest run (or RUNID) its baseline: the run that compare, reports and
--fail-on-regression measure later runs against. The run must have ended.

${common}
`,
} as const;
type Sub = Exclude<keyof typeof usages, 'tests'>;

const options = {
  server: { type: 'string', short: 's' },
  token: { type: 'string', short: 't' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  tags: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  region: { type: 'string' },
  tasks: { type: 'string' },
  concurrency: { type: 'string' },
  id: { type: 'string' },
  wait: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  run: { type: 'string' },
  junit: { type: 'string' },
  out: { type: 'string', short: 'o', multiple: true },
  'fail-on-regression': { type: 'string' },
  env: { type: 'string', short: 'e', multiple: true },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

const ciFlags = ['junit', 'out', 'fail-on-regression'] as const;

/** Which options each subcommand takes besides the common ones. */
const accepts: Record<Sub, readonly (keyof Values)[]> = {
  list: ['tags'],
  create: ['name', 'description', 'region', 'tasks', 'concurrency', 'id', 'env'],
  run: ['name', 'description', 'region', 'tasks', 'concurrency', 'id', 'env', 'wait', 'quiet', ...ciFlags],
  watch: ['run'],
  cancel: [],
  results: ['run', ...ciFlags],
  baseline: ['run'],
};

export async function testsCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(usages.tests);
    return sub === undefined ? exitCodes.badInput : exitCodes.ok;
  }
  if (!(sub in accepts)) {
    throw badInput(
      [{ message: `unknown subcommand "${sub}"`, hint: 'list, create, run, watch, cancel, results or baseline' }],
      'bad arguments',
    );
  }
  const name = sub as Sub;
  const { values: v, positionals } = parseTests(name, rest);
  if (v.help) {
    process.stdout.write(usages[name]);
    return exitCodes.ok;
  }
  const client = connect(v);
  try {
    return await subcommands[name](client, v, positionals);
  } catch (e) {
    if (!ApiError.is(e)) throw e;
    const why = `${e.message} (${e.status || 'no answer'} ${e.code})`;
    process.stderr.write(`dlt tests ${name}: ${why}\n`);
    for (const p of e.problems) process.stderr.write(`  ${formatProblem(p as Problem)}\n`);
    // CI reads the JUnit file even when the server refused the run or could not be reached.
    if (v.junit && (name === 'run' || name === 'results')) {
      await writeNotRunJunit(v.junit, positionals[0] ?? name, `dlt tests ${name}: ${why}`);
    }
    return e.status === 400 ? exitCodes.badInput : exitCodes.error;
  }
}

function parseTests(name: Sub, argv: readonly string[]) {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw badInput([{ message: (e as Error).message, hint: `see dlt tests ${name} --help` }], 'bad arguments');
  }
  if (parsed.values.help) return parsed;
  const problems: Problem[] = [];
  for (const key of Object.keys(parsed.values) as (keyof Values)[]) {
    if (!['server', 'token', 'json', 'help', ...accepts[name]].includes(key))
      problems.push({ field: `--${key}`, message: `is not an option of dlt tests ${name}` });
  }
  const wants = name === 'list' ? 0 : 1;
  if (parsed.positionals.length !== wants) {
    const what = name === 'create' ? 'FILE' : name === 'run' ? 'ID or FILE' : 'ID';
    problems.push({
      message: wants === 0 ? 'takes no arguments' : `expected one ${what}, got ${parsed.positionals.length}`,
    });
  }
  parseCiFlags(parsed.values, problems);
  if (name === 'run' && !parsed.values.wait) {
    for (const flag of ciFlags) {
      if (parsed.values[flag] !== undefined) problems.push({ field: `--${flag}`, message: 'needs --wait' });
    }
  }
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  return parsed;
}

function connect(v: Values): DltClient {
  const server = v.server ?? process.env.DLT_SERVER;
  const problems: Problem[] = [];
  if (!server) problems.push({ field: '--server', message: 'is required (or set DLT_SERVER)' });
  else if (!/^https?:\/\/[^/]/.test(server))
    problems.push({ field: '--server', message: `"${server}" is not an http(s) URL` });
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  return createClient({ baseUrl: server as string, token: v.token ?? process.env.DLT_TOKEN });
}

type Run = (client: DltClient, v: Values, positionals: readonly string[]) => Promise<number>;

const subcommands: Record<Sub, Run> = {
  async list(client, v) {
    const tags = v.tags
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const { Items } = await client.listScenarios({ tags });
    if (v.json) return print(Items);
    const rows = Items.map((t) => [
      t.testId,
      t.testName,
      t.status,
      String(t.totalTestRuns ?? 0),
      t.startTime || '-',
      typeof t.nextRun === 'string' ? t.nextRun : '-',
    ]);
    process.stdout.write(
      rows.length === 0 ? 'no tests\n' : renderTable(['id', 'name', 'status', 'runs', 'last run', 'next run'], rows),
    );
    return exitCodes.ok;
  },
  async create(client, v, [file]) {
    const created = isScriptFile(file)
      ? await storeScriptTest(client, file, scriptOptions(v), false)
      : await client.createScenario({ ...(await scenarioFromFile(file, v)), saveOnly: true });
    if (v.json) return print(created);
    process.stdout.write(`created test ${created.testId} (${created.testName})\n`);
    return exitCodes.ok;
  },
  async run(client, v, [target]) {
    const started =
      looksLikeFile(target) && isScriptFile(target)
        ? await storeScriptTest(client, target, scriptOptions(v), true)
        : await client.createScenario(
            looksLikeFile(target) ? await scenarioFromFile(target, v) : await storedScenario(client, target),
          );
    if (!v.wait) {
      if (v.json) return print(started);
      process.stdout.write(`started test ${started.testId}${started.testRunId ? ` run ${started.testRunId}` : ''}\n`);
      return exitCodes.ok;
    }
    const colour = process.stderr.isTTY === true && !process.env.NO_COLOR;
    const end = await waitForRun(client, started, { quiet: v.quiet ?? false, out: process.stderr, colour });
    return finish(client, end, v);
  },
  async watch(client, v, [id]) {
    const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const end = await watchRun(client, id, { runId: v.run, json: v.json ?? false, out: process.stdout, colour });
    if (v.json) return outcomeCode(end);
    return report(end, v);
  },
  async cancel(client, v, [id]) {
    const answer = await client.cancelScenario(id);
    if (v.json) return print(answer ?? { testId: id });
    process.stdout.write(`cancelling test ${id}\n`);
    return exitCodes.ok;
  },
  async results(client, v, [id]) {
    const scenario = await client.getScenario(id, { history: false });
    const run = v.run ? await client.getTestRun(id, v.run) : scenario;
    return finish(client, { ...scenario, ...run }, v);
  },
  async baseline(client, v, [id]) {
    const runId = v.run ?? (await client.getScenario(id, { history: false })).testRunId;
    if (!runId) throw badInput([{ message: `test ${id} has no run yet` }]);
    const answer = await client.putBaseline(id, runId);
    if (v.json) return print(answer);
    process.stdout.write(`run ${runId} is the baseline of test ${id}\n`);
    return exitCodes.ok;
  },
};

/** Prints a run's results, checks it against the baseline and writes the CI outputs; the exit code. */
async function finish(client: DltClient, s: Scenario, v: Values): Promise<number> {
  return afterServerRun(client, s, v, report(s, v), process.stderr);
}

/** Prints a run's results and returns the exit code its outcome deserves. */
function report(s: Scenario, v: Values): number {
  const code = outcomeCode(s);
  if (v.json) {
    print(s);
    return code;
  }
  const summary = s.summary as RunSummary | undefined;
  process.stdout.write(`test ${s.testId}${s.testRunId ? ` run ${s.testRunId}` : ''}: ${s.status}\n`);
  if (s.errorReason) process.stdout.write(`reason: ${s.errorReason}\n`);
  const spread =
    (s as { startSpreadMs?: unknown }).startSpreadMs ??
    (summary as { startSpreadMs?: unknown } | undefined)?.startSpreadMs;
  if (typeof spread === 'number') process.stdout.write(`tasks started within ${formatMs(spread)} of each other\n`);
  if (summary?.totals) {
    const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(renderSummary(summary, painter(colour)));
  }
  return code;
}

function print(value: unknown): number {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return exitCodes.ok;
}

function looksLikeFile(target: string): boolean {
  return (
    ['.json', '.yaml', '.yml'].includes(extname(target).toLowerCase()) || target.includes('/') || isScriptFile(target)
  );
}

/** The wrapping options for a plan or script file. */
function scriptOptions(v: Values): ScriptTestOptions {
  const whole = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (Number.isInteger(n) && n >= 1) return n;
    throw badInput([{ field: flag, message: `"${text}" is not a positive whole number` }], 'bad arguments');
  };
  return {
    name: v.name,
    description: v.description,
    region: v.region,
    tasks: whole('--tasks', v.tasks),
    concurrency: whole('--concurrency', v.concurrency),
    id: v.id,
    env: variables(v),
    given: Object.fromEntries(
      (v.env ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
  };
}

/** A stored test as a body that runs it again (the seed has no start route: re-POST with its testId). */
async function storedScenario(client: DltClient, testId: string): Promise<ScenarioInput> {
  const s = await client.getScenario(testId, { history: false, latest: false });
  return {
    testId: s.testId,
    testName: s.testName,
    testDescription: s.testDescription,
    testType: s.testType,
    testTaskConfigs: s.testTaskConfigs,
    testScenario: s.testScenario,
    ...(s.fileType === undefined ? {} : { fileType: s.fileType }),
    ...(s.tags === undefined ? {} : { tags: s.tags }),
    ...(s.showLive === undefined ? {} : { showLive: s.showLive }),
    // Left out, the server would reset it to its default (90).
    ...(typeof s.healthyThreshold === 'number' ? { healthyThreshold: s.healthyThreshold } : {}),
  };
}

/** Reads FILE as a seed body, or wraps a plain test definition in one. */
async function scenarioFromFile(file: string, v: Values): Promise<ScenarioInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw badInput([{ file, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? e}` }]);
  }
  let raw: unknown;
  try {
    raw = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    await checkLocally(file, v); // names the line where it can
    throw badInput([{ file, message: `cannot parse the file: ${(e as Error).message.split('\n')[0]}` }]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw badInput([{ file, message: 'expected a test (an object with execution and scenarios)' }]);
  }
  const o = raw as Record<string, unknown>;
  if ('testScenario' in o) {
    const simple = o.testType === undefined || o.testType === 'simple';
    const testScenario = simple ? withVariables(file, o.testScenario, v) : o.testScenario;
    return { ...o, testScenario, ...(v.id ? { testId: v.id } : {}) } as ScenarioInput;
  }
  await checkLocally(file, v);
  return wrapDefinition(file, withVariables(file, o, v) as Record<string, unknown>, v);
}

/**
 * A plain test definition is checked here as `dlt run` checks it, so that each problem names
 * the file, line and column (the server can only name the field). Throws them all at once.
 */
async function checkLocally(file: string, v: Values): Promise<void> {
  await loadTestFile(file, { env: variables(v) });
}

/** `-e NAME=VALUE` over this shell's environment. */
function variables(v: Values): Record<string, string | undefined> {
  const problems: Problem[] = [];
  const given: Record<string, string> = {};
  for (const pair of v.env ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) problems.push({ field: '--env', message: `"${pair}" is not NAME=VALUE` });
    else given[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  return { ...process.env, ...given };
}

/**
 * `${NAME}` and `${NAME:-default}` in a test definition, resolved here as `dlt run` does: from
 * `-e NAME=VALUE`, then this shell's environment. Agents see the resolved test.
 */
function withVariables(file: string, def: unknown, v: Values): unknown {
  const resolved = interpolate(def, variables(v));
  if (resolved.problems.length > 0) throw badInput(resolved.problems.map((p) => toProblem(p, { file })));
  return resolved.value;
}

function wrapDefinition(file: string, def: Record<string, unknown>, v: Values): ScenarioInput {
  const problems: Problem[] = [];
  const whole = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (Number.isInteger(n) && n >= 1) return n;
    problems.push({ field: flag, message: `"${text}" is not a positive whole number` });
    return undefined;
  };
  const tasks = whole('--tasks', v.tasks) ?? 1;
  const concurrency = whole('--concurrency', v.concurrency) ?? firstConcurrency(def) ?? 1;
  if (problems.length > 0) throw badInput(problems, 'bad arguments');
  const name = basename(file, extname(file));
  return {
    ...(v.id ? { testId: v.id } : {}),
    testName: v.name ?? (name.length >= 3 ? name : `test ${name}`),
    testDescription: v.description ?? `from ${basename(file)}`,
    testType: 'simple',
    fileType: 'none',
    testTaskConfigs: [{ region: v.region ?? 'local', taskCount: tasks, concurrency }],
    testScenario: def,
  };
}

/** The `concurrency` of the first Taurus-style execution item, if it has a number there. */
function firstConcurrency(def: Record<string, unknown>): number | undefined {
  const items = Array.isArray(def.execution) ? def.execution : [];
  const c = (items[0] as Record<string, unknown> | undefined)?.concurrency;
  return typeof c === 'number' && Number.isInteger(c) && c >= 1 ? c : undefined;
}
