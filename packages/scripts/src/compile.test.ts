// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are `${NAME}` references in test files, not templates
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CompiledTest } from '@dlt/model';
import { DltError } from '@dlt/model';
import { compileDefinition, loadTestFile, maxTestFileBytes } from './compile.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');

/** The error's lines with the fixtures folder dropped from file names. */
async function problemsOf(file: string, options = {}): Promise<string[]> {
  try {
    await loadTestFile(join(fixtures, file), options);
  } catch (e) {
    assert.ok(DltError.is(e), `${file}: a DltError`);
    assert.equal(e.code, 'DLT_ERR_BAD_INPUT');
    return e.message.replaceAll(`${fixtures}/`, '').split('\n');
  }
  assert.fail(`${file} loaded without problems`);
}

test('every bad input is reported with file:line:col, field and message', async () => {
  const cases: [file: string, lines: string[]][] = [
    ['bad-duration.yaml', ['bad-duration.yaml:3:14 execution[0].ramp-up: "10x" is not a duration (e.g. 30s, 1m30s)']],
    ['malformed.yaml', ['malformed.yaml:3:1 Sequence item without - indicator']],
    ['malformed.json', ['malformed.json:2:37 not valid JSON: Expected double-quoted property name']],
    ['empty.yaml', ['empty.yaml:1:1 the file is empty']],
    ['duplicate-key.yaml', ['duplicate-key.yaml:4:5 Map keys must be unique']],
    [
      'two-documents.yaml',
      ['two-documents.yaml:4:1 the file holds more than one YAML document (a second ---); a test is one document'],
    ],
    [
      'alias-bomb.yaml',
      [
        'alias-bomb.yaml:2:8 its aliases expand to too much data (an alias of a list of aliases multiplies its size: write the values out or nest fewer aliases)',
      ],
    ],
    ['no-execution.yaml', ['no-execution.yaml:1:1 execution: required']],
    ['empty-execution.yaml', ['empty-execution.yaml:1:12 execution: needs at least one item']],
    [
      'unknown-scenario.yaml',
      [
        'unknown-scenario.yaml:4:15 execution[0].scenario: "checkout" is not a key of scenarios (scenarios: api, login)',
      ],
    ],
    [
      'negative-duration.yaml',
      [
        'negative-duration.yaml:3:15 execution[0].hold-for: "-5s" is negative; a duration is 0 or more (e.g. 30s, 1m30s)',
      ],
    ],
    [
      'execution-map.yaml',
      ['execution-map.yaml:3:13 execution[0].hold-for: "10x" is not a duration (e.g. 30s, 1m30s)'],
    ],
    ['negative-count.yaml', ['negative-count.yaml:4:17 execution[0].iterations: must be at least 1, got -1']],
    ['zero-vus.yaml', ['zero-vus.yaml:3:10 execution[0].vus: must be at least 1, got 0']],
    [
      'max-vus-below-pre-allocated.yaml',
      ['max-vus-below-pre-allocated.yaml:6:14 execution[0].max-vus: 10 is less than pre-allocated-vus (50)'],
    ],
    ['empty-stages.yaml', ['empty-stages.yaml:3:13 execution[0].stages: needs at least one item']],
    [
      'not-http-url.yaml',
      [
        'not-http-url.yaml:6:9 scenarios.api.requests[0]: "ftp://127.0.0.1/file" is not an http or https URL',
        'not-http-url.yaml:7:14 scenarios.api.requests[1].url: "mailto:ops@example.com" is not an http or https URL',
      ],
    ],
    [
      'relative-url-without-base.yaml',
      [
        'relative-url-without-base.yaml:6:9 scenarios.api.requests[0]: "/login" is relative and the scenario has no default-address',
      ],
    ],
    [
      'option-of-other-executor.yaml',
      [
        'option-of-other-executor.yaml:5:5 execution[0].rate: not an option of constant-vus (options: vus, duration, name, scenario, start-time, graceful-stop)',
      ],
    ],
    [
      'k6-option-without-executor.yaml',
      [
        'k6-option-without-executor.yaml:2:5 execution[0].vus: is a k6 executor option and needs an executor (add e.g. executor: constant-vus, or use the Taurus form: concurrency, ramp-up, hold-for, iterations, throughput)',
        'k6-option-without-executor.yaml:3:5 execution[0].duration: is a k6 executor option and needs an executor (add e.g. executor: constant-vus, or use the Taurus form: concurrency, ramp-up, hold-for, iterations, throughput)',
      ],
    ],
    [
      'missing-required-option.yaml',
      [
        'missing-required-option.yaml:2:5 execution[0].rate: required by constant-arrival-rate',
        'missing-required-option.yaml:2:5 execution[0].pre-allocated-vus: required by constant-arrival-rate',
      ],
    ],
    [
      'unknown-field.yaml',
      [
        'unknown-field.yaml:3:5 execution[0].rampup: unknown field (did you mean ramp-up?)',
        'unknown-field.yaml:9:9 scenarios.api.requests[0].extract-jsonpath: a Taurus field dlt does not support yet',
      ],
    ],
    [
      'bad-fields.json',
      [
        'bad-fields.json:2:34 execution[0].concurrency: "many" is not a whole number',
        'bad-fields.json:4:62 scenarios.api.requests[0].methd: unknown field (did you mean method?)',
      ],
    ],
    [
      'bad-thresholds.yaml',
      [
        'bad-thresholds.yaml:8:3 thresholds.http_req_durations: "http_req_durations" is not a metric (did you mean http_req_duration?)',
        'bad-thresholds.yaml:10:7 thresholds.http_req_duration[0]: "p(95)<300ms": "300ms" is not a number (times are in milliseconds, e.g. p(95)<300)',
        'bad-thresholds.yaml:11:7 thresholds.http_req_duration[1]: "rate<0.1": rate does not apply to http_req_duration (a trend: avg, min, max, med, p(N))',
        'bad-thresholds.yaml:12:7 thresholds.http_req_duration[2]: "p(99)=>300": "=>" is not an operator (one of <, <=, >, >=, ==, ===, !=)',
        'bad-thresholds.yaml:13:7 thresholds.http_req_duration[3]: "p(101)<5": a percentile is 0 to 100, got 101',
        'bad-thresholds.yaml:14:21 thresholds.http_req_failed[0]: "rate<one": "one" is not a number',
        'bad-thresholds.yaml:15:3 thresholds["http_req_duration{host:a}"]: http_req_duration has no tag "host" (tags: label, scenario, method, status, expected_response)',
        'bad-thresholds.yaml:16:3 thresholds["http_req_duration{group:::checkout}"]: dlt cannot filter http_req_duration by group yet (tags: label, scenario, method, status, expected_response)',
        'bad-thresholds.yaml:17:3 thresholds.http_req_blocked: dlt does not measure http_req_blocked yet',
      ],
    ],
    [
      'unset-variable.yaml',
      [
        'unset-variable.yaml:3:15 execution[0].hold-for: ${HOLD} is not set (pass -e HOLD=… or write ${HOLD:-default})',
        'unset-variable.yaml:7:14 scenarios.api.requests[0].url: ${TARGET} is not set (pass -e TARGET=… or write ${TARGET:-default})',
        'unset-variable.yaml:9:26 scenarios.api.requests[0].headers.Authorization: ${TOKEN} is not set (pass -e TOKEN=… or write ${TOKEN:-default})',
      ],
    ],
    [
      'over-limits.yaml',
      [
        'over-limits.yaml:2:5 execution[0]: runs until 5h, past the limit of 4h per test',
        'over-limits.yaml:2:5 execution[0]: 200000 VUs, more than the limit of 100000',
        'over-limits.yaml:4:5 execution[1]: 2000000 iterations/s, more than the limit of 1000000',
      ],
    ],
    [
      'script-scenario.yaml',
      [
        'script-scenario.yaml:6:13 scenarios.jmeter.script: plan.jmx is not there (looked for plan.jmx) (put the script beside the definition)',
      ],
    ],
    [
      'many-problems.yaml',
      [
        'many-problems.yaml:3:18 execution[0].concurrency: must be at least 1, got 0',
        'many-problems.yaml:4:14 execution[0].ramp-up: "soon" is not a duration (e.g. 30s, 1m30s)',
        'many-problems.yaml:5:15 execution[0].scenario: "missing" is not a key of scenarios (scenarios: api)',
        'many-problems.yaml:8:17 execution[1].iterations: 5 iterations cannot be shared by 10 VUs (shared-iterations needs at least one iteration per VU)',
        'many-problems.yaml:9:5 execution[1].stages: not an option of shared-iterations (options: vus, iterations, max-duration, name, scenario, start-time, graceful-stop)',
        'many-problems.yaml:14:16 scenarios.api.keepalive: "maybe" is not true or false',
        'many-problems.yaml:17:17 scenarios.api.requests[0].method: "FETCH" is not an HTTP method (GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, TRACE)',
        'many-problems.yaml:18:18 scenarios.api.requests[0].timeout: must be more than 0, got "0s" (e.g. 30s, 1m30s)',
        'many-problems.yaml:20:15 thresholds.http_reqs[0]: "p(95)<10": p(95) does not apply to http_reqs (a counter: count, rate)',
      ],
    ],
  ];
  for (const [file, lines] of cases) {
    const [head, ...problems] = await problemsOf(file);
    assert.equal(head, `${file}: ${lines.length} problem${lines.length === 1 ? '' : 's'}:`, file);
    assert.deepEqual(
      problems.map((l) => l.trim()),
      lines,
      file,
    );
  }
});

test('a byte order mark before JSON or YAML (Windows editors write one) is skipped', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-bom-'));
  const json = '{"execution":[{"concurrency":2}],"scenarios":{"s":{"requests":["http://127.0.0.1:8080/"]}}}';
  try {
    for (const [name, text] of [
      ['bom.json', json],
      ['bom.yaml', 'execution: [{concurrency: 2}]\nscenarios: {s: {requests: [http://127.0.0.1:8080/]}}\n'],
    ]) {
      await writeFile(join(dir, name), `\uFEFF${text}`);
      const compiled = await loadTestFile(join(dir, name));
      assert.equal(compiled.executors[0].executor, 'per-vu-iterations', name);
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('a file larger than the cap is refused before it is parsed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-huge-'));
  const path = join(dir, 'huge.yaml');
  await writeFile(path, `# ${'x'.repeat(maxTestFileBytes)}\nexecution: [{}]\n`);
  try {
    await assert.rejects(loadTestFile(path), (e: unknown) => {
      assert.ok(DltError.is(e) && e.code === 'DLT_ERR_BAD_INPUT');
      assert.match(e.message, /huge\.yaml the file is larger than 16 MiB/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('files of formats still to come, unknown extensions and missing files are refused by name', async () => {
  const cases: [file: string, line: string][] = [
    ['plan.jmx', 'plan.jmx cannot read the file: ENOENT'],
    ['script.js', 'script.js cannot read the file: ENOENT'],
    ['locustfile.py', 'locustfile.py cannot read the file: ENOENT'],
    ['bundle.zip', 'bundle.zip cannot read the file: ENOENT'],
    ['notes.txt', 'notes.txt unknown kind of test file ".txt" (use .yaml, .yml, .json, .jmx, .zip, .js or .py)'],
    ['absent.yaml', 'absent.yaml cannot read the file: ENOENT'],
  ];
  for (const [file, line] of cases) assert.deepEqual((await problemsOf(file)).slice(1), [`  ${line}`], file);
});

/** A compiled test without its programs (functions do not compare). */
function shape(t: CompiledTest) {
  return { executors: t.executors, thresholds: t.thresholds, warnings: t.warnings, programs: Object.keys(t.programs) };
}

test('the same test in YAML and in JSON compiles to the same executors and thresholds', async () => {
  const yaml = await loadTestFile(join(fixtures, 'taurus-and-k6.yaml'));
  const json = await loadTestFile(join(fixtures, 'taurus-and-k6.json'));
  assert.deepEqual(shape(yaml), shape(json));
  assert.equal(yaml.source, join(fixtures, 'taurus-and-k6.yaml'));
  assert.deepEqual(
    yaml.executors.map((e) => [e.name, e.executor, e.program]),
    [
      ['browse', 'ramping-vus', 'browse'],
      ['checkout-rate', 'constant-arrival-rate', 'checkout'],
    ],
  );
  assert.deepEqual(
    yaml.thresholds.map((t) => [t.key, t.expression, t.abortOnFail]),
    [
      ['http_req_duration', 'p(95)<300', false],
      ['http_req_failed', 'rate<0.01', true],
    ],
  );
});

test('env interpolation: values, defaults, and $${ for a literal', async () => {
  const t = await loadTestFile(join(fixtures, 'env.yaml'), {
    env: { USERS: '12', TOKEN: 's3cret', TARGET: 'http://127.0.0.1:9999', KEEPALIVE: '' },
  });
  assert.deepEqual(t.executors[0], {
    name: 'api',
    program: 'api',
    startTimeMs: 0,
    gracefulStopMs: 30_000,
    executor: 'constant-vus',
    vus: 12,
    durationMs: 30_000,
  });
  const sent: unknown[] = [];
  const ctx = {
    vu: 1,
    scenario: 'api',
    iteration: 0,
    signal: new AbortController().signal,
    vars: new Map(),
    prepare: (request: unknown) => ({ request }),
    send: async (r: unknown) => {
      sent.push(r);
      return {} as never;
    },
    sleep: async () => {},
  };
  await t.programs.api.iteration(ctx as never);
  assert.deepEqual(sent, [
    {
      request: {
        label: 'GET /items',
        method: 'GET',
        url: 'http://127.0.0.1:9999/items',
        headers: { Authorization: 'Bearer s3cret', 'X-Literal': '${NOT_A_VARIABLE}' },
        maxRedirects: 10,
      },
    },
  ]);
});

test('overrides replace every load model with k6 CLI meaning', () => {
  const raw = {
    execution: [
      { concurrency: 10, 'hold-for': '1m', name: 'a' },
      { executor: 'ramping-vus', stages: [{ duration: '10s', target: 5 }], name: 'b', 'start-time': '5s' },
    ],
    scenarios: { api: { requests: ['http://127.0.0.1:8080/'] } },
  };
  const load = (overrides: object) => compileDefinition(raw, { source: 't', overrides });
  const common = (name: string, startTimeMs: number) => ({ name, program: 'api', startTimeMs, gracefulStopMs: 30_000 });
  assert.deepEqual(load({ vus: 3, duration: '20s' }).executors, [
    { ...common('a', 0), executor: 'constant-vus', vus: 3, durationMs: 20_000 },
    { ...common('b', 5_000), executor: 'constant-vus', vus: 3, durationMs: 20_000 },
  ]);
  assert.deepEqual(load({ duration: 20 }).executors[0], {
    ...common('a', 0),
    executor: 'constant-vus',
    vus: 10,
    durationMs: 20_000,
  });
  assert.deepEqual(load({ iterations: 1 }).executors[0], {
    ...common('a', 0),
    executor: 'shared-iterations',
    vus: 1,
    iterations: 1,
    maxDurationMs: 600_000,
  });
  const vusOnly = load({ vus: 7 });
  assert.deepEqual(vusOnly.executors[0], { ...common('a', 0), executor: 'constant-vus', vus: 7, durationMs: 60_000 });
  assert.equal(vusOnly.executors[1].executor, 'ramping-vus');
  assert.deepEqual(vusOnly.warnings, ['--vus does not apply to ramping-vus (execution b); it keeps its own VUs']);
  assert.throws(
    () => load({ vus: 0, duration: '1x', iterations: 2.5 }),
    (e) =>
      DltError.is(e) &&
      e.message ===
        [
          't: 3 problems:',
          '  --vus: must be a whole number of at least 1, got 0',
          '  --iterations: must be a whole number of at least 1, got 2.5',
          '  --duration: "1x" is not a duration (e.g. 30s, 1m30s)',
        ].join('\n'),
  );
});

test('bad override values are reported together with the problems of the file', () => {
  assert.throws(
    () =>
      compileDefinition(
        { execution: [{ 'hold-for': 'x' }], scenarios: { a: { requests: ['http://h/'] } } },
        { source: 't', overrides: { vus: -1 } },
      ),
    (e) =>
      DltError.is(e) &&
      e.problems.map((p) => `${p.field}: ${p.message}`).join('\n') ===
        'execution[0].hold-for: "x" is not a duration\n--vus: must be a whole number of at least 1, got -1',
  );
});

test('limits given by the caller lower the caps', () => {
  const raw = {
    execution: [{ concurrency: 20, 'hold-for': '2m' }],
    scenarios: { api: { requests: ['http://127.0.0.1/'] } },
  };
  assert.throws(
    () => compileDefinition(raw, { source: 'api', limits: { maxDurationMs: 60_000, maxVus: 10 } }),
    (e) =>
      DltError.is(e) &&
      e.problems.map((p) => `${p.field}: ${p.message}`).join('\n') ===
        'execution[0]: runs until 2m, past the limit of 1m per test\nexecution[0]: 20 VUs, more than the limit of 10',
  );
  assert.equal(compileDefinition(raw, { source: 'api', limits: { maxVus: 20 } }).executors.length, 1);
});

test('compileDefinition reports problems by field when there is no file', () => {
  assert.throws(
    () => compileDefinition({ execution: [{ 'hold-for': 'x' }], scenarios: {} }, { source: '--url' }),
    (e) =>
      DltError.is(e) &&
      e.message ===
        '--url: 2 problems:\n  --url execution[0].hold-for: "x" is not a duration (e.g. 30s, 1m30s)\n  --url scenarios: needs at least one scenario',
  );
});

test('seed fields that dlt ignores are accepted with a warning', () => {
  const t = compileDefinition(
    {
      execution: [{ concurrency: 1, 'hold-for': '1m', taskCount: 3 }],
      scenarios: { s: { requests: ['http://127.0.0.1/'] } },
      reporting: [{ module: 'final-stats' }],
    },
    { source: 'seed' },
  );
  assert.deepEqual(t.warnings, [
    'seed: reporting is ignored; every result is always reported',
    "seed: execution[0].taskCount is ignored; tasks come from the run's task configs",
  ]);
});

test('the quickstart example compiles', async () => {
  const example = join(fixtures, '..', '..', '..', '..', 'examples', 'quickstart.yaml');
  const t = await loadTestFile(example, { env: {} });
  assert.deepEqual(
    t.executors.map((e) => [e.name, e.executor]),
    [
      ['browse', 'ramping-vus'],
      ['api', 'constant-arrival-rate'],
    ],
  );
  assert.deepEqual(
    t.thresholds.map((th) => th.key),
    ['http_req_duration', 'http_req_duration{label:search}', 'http_req_failed'],
  );
});
