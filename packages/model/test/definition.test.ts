import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { closest } from '../src/closest.ts';
import type { PathProblem } from '../src/definition-issues.ts';
import { checkDefinition, fieldPath, issueProblems } from '../src/definition-issues.ts';

const requests = { api: { requests: ['http://127.0.0.1:8080/'] } };

test('checkDefinition parses durations to ms, counts to numbers and applies scenario defaults', () => {
  const r = checkDefinition({
    execution: [{ concurrency: '10', 'ramp-up': '0m', 'hold-for': '1m30s', scenario: 'api' }],
    scenarios: {
      api: {
        'think-time': 0.5,
        requests: ['http://127.0.0.1:8080/', { url: 'http://127.0.0.1:8080/a', method: 'post', headers: { 'X-N': 5 } }],
      },
    },
    thresholds: { http_req_failed: 'rate<0.01' },
  });
  assert.ok(r.ok);
  assert.deepEqual(r.value.execution, [{ concurrency: 10, 'ramp-up': 0, 'hold-for': 90_000, scenario: 'api' }]);
  assert.deepEqual(r.value.scenarios.api, {
    'think-time': 500,
    keepalive: true,
    'follow-redirects': true,
    'tls-verify': true,
    requests: [
      { url: 'http://127.0.0.1:8080/', method: 'GET' },
      { url: 'http://127.0.0.1:8080/a', method: 'POST', headers: { 'X-N': '5' } },
    ],
  });
  assert.equal(r.value.thresholds?.[0].expression, 'rate<0.01');
});

test('checkDefinition accepts what the seed API sends in testScenario', () => {
  const r = checkDefinition({
    execution: [{ 'ramp-up': '1m', 'hold-for': '5m', scenario: 'Seed test', taskCount: '2', concurrency: '100' }],
    scenarios: { 'Seed test': { requests: [{ url: 'https://example.com/', method: 'GET', headers: {}, body: '' }] } },
    reporting: [{ module: 'final-stats' }],
  });
  assert.ok(r.ok, JSON.stringify(r));
});

test('checkDefinition reports every problem by path, with hints and key positions', () => {
  const cases: [name: string, raw: unknown, problems: PathProblem[]][] = [
    ['not a map', [], [{ path: [], message: 'expected a map, got a list' }]],
    [
      'nothing given',
      {},
      [
        { path: ['execution'], message: 'required' },
        { path: ['scenarios'], message: 'required' },
      ],
    ],
    [
      'a misspelt field gets a suggestion, a Taurus-only field says so',
      { execution: [{ hold_for: '1m', steps: 3 }], scenarios: requests },
      [
        { path: ['execution', 0, 'hold_for'], message: 'unknown field', hint: 'did you mean hold-for?', at: 'key' },
        { path: ['execution', 0, 'steps'], message: 'a Taurus field dlt does not support yet', at: 'key' },
      ],
    ],
    [
      'an unknown top-level field lists the fields',
      { execution: [{}], scenarios: requests, zzz: 1 },
      [
        {
          path: ['zzz'],
          message: 'unknown field',
          hint: 'fields: execution, scenarios, thresholds, reporting',
          at: 'key',
        },
      ],
    ],
    [
      'a request object with a bad field is reported as a request, not as "expected a string"',
      { execution: [{}], scenarios: { api: { requests: [{ url: 'http://a/', method: 7 }] } } },
      [{ path: ['scenarios', 'api', 'requests', 0, 'method'], message: 'expected a string, got 7' }],
    ],
    [
      'a request that is neither a URL nor a map',
      { execution: [{}], scenarios: { api: { requests: [true] } } },
      [{ path: ['scenarios', 'api', 'requests', 0], message: 'expected a string or a map, got true' }],
    ],
    [
      'an executor that does not exist',
      { execution: [{ executor: 'constant-vu' }], scenarios: requests },
      [
        {
          path: ['execution', 0, 'executor'],
          message:
            '"constant-vu" is not one of constant-vus, ramping-vus, shared-iterations, per-vu-iterations, constant-arrival-rate, ramping-arrival-rate',
        },
      ],
    ],
    [
      'throughput alone and with iterations',
      { execution: [{ throughput: 10, iterations: 5 }], scenarios: requests },
      [
        {
          path: ['execution', 0, 'throughput'],
          message: 'needs hold-for or ramp-up',
          hint: 'how long to hold the rate',
        },
        { path: ['execution', 0, 'iterations'], message: 'cannot be combined with throughput' },
      ],
    ],
    [
      'throughput held for 0s is as good as no hold-for',
      { execution: [{ throughput: 10, 'hold-for': 0 }], scenarios: requests },
      [
        {
          path: ['execution', 0, 'throughput'],
          message: 'needs hold-for or ramp-up',
          hint: 'how long to hold the rate',
        },
      ],
    ],
    [
      'arrival rate without any VU',
      {
        execution: [{ executor: 'constant-arrival-rate', rate: 1, duration: '1s', 'pre-allocated-vus': 0 }],
        scenarios: requests,
      },
      [
        {
          path: ['execution', 0, 'pre-allocated-vus'],
          message: 'needs at least one VU',
          hint: 'set pre-allocated-vus or max-vus to 1 or more',
        },
      ],
    ],
    [
      'a stage without its target or duration',
      { execution: [{ executor: 'ramping-vus', stages: [{ duration: '1s' }, { target: 2 }] }], scenarios: requests },
      [
        { path: ['execution', 0, 'stages', 0, 'target'], message: 'required' },
        { path: ['execution', 0, 'stages', 1, 'duration'], message: 'required' },
      ],
    ],
    [
      'fractional VU target of ramping-vus',
      { execution: [{ executor: 'ramping-vus', stages: [{ duration: '1s', target: 2.5 }] }], scenarios: requests },
      [{ path: ['execution', 0, 'stages', 0, 'target'], message: '2.5 is not a whole number of VUs' }],
    ],
    [
      'scenario required when there are several; duplicate names',
      {
        execution: [{ name: 'x', scenario: 'a' }, { name: 'x' }],
        scenarios: { a: requests.api, b: requests.api },
      },
      [
        {
          path: ['execution', 1, 'scenario'],
          message: 'required when there is more than one scenario',
          hint: 'scenarios: a, b',
        },
        { path: ['execution', 1, 'name'], message: '"x" is already the name of execution[0]' },
      ],
    ],
    [
      'a scenario with neither requests nor script, or both',
      { execution: [{ scenario: 'a' }], scenarios: { a: {}, b: { requests: ['http://a/'], script: 'x.jmx' } } },
      [
        {
          path: ['scenarios', 'a', 'requests'],
          message: 'required',
          hint: 'a list of URLs or of { url, method, headers, body }',
        },
        { path: ['scenarios', 'b', 'script'], message: 'a scenario has requests or a script, not both' },
      ],
    ],
    [
      'header names and values',
      { execution: [{}], scenarios: { a: { headers: { 'Bad Name': 'x', ok: 'a\nb' }, requests: ['http://a/'] } } },
      [
        { path: ['scenarios', 'a', 'headers', 'Bad Name'], message: '"Bad Name" is not a header name', at: 'key' },
        { path: ['scenarios', 'a', 'headers', 'ok'], message: 'a header value cannot hold a line break' },
      ],
    ],
    [
      'relative URL resolved against default-address is fine, a bad default-address is reported once',
      { execution: [{}], scenarios: { a: { 'default-address': 'localhost:80', requests: ['/x'] } } },
      [{ path: ['scenarios', 'a', 'default-address'], message: '"localhost:80" is not an http or https URL' }],
    ],
  ];
  for (const [name, raw, problems] of cases) {
    const r = checkDefinition(raw);
    assert.deepEqual(r.ok ? [] : r.problems.map(strip), problems.map(strip), name);
  }
});

/** Drops undefined optional fields so tables need not spell them. */
function strip(p: PathProblem): PathProblem {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as PathProblem;
}

test('one execution written as a map (Taurus) reads as a list of one', () => {
  const item = { concurrency: 3, 'hold-for': '1m' };
  const asMap = checkDefinition({ execution: item, scenarios: requests });
  const asList = checkDefinition({ execution: [item], scenarios: requests });
  assert.ok(asMap.ok && asList.ok);
  assert.deepEqual(asMap.value, asList.value);
});

test('fieldPath writes paths as users read them', () => {
  const cases: [path: PropertyKey[], text: string][] = [
    [[], ''],
    [['execution', 0, 'ramp-up'], 'execution[0].ramp-up'],
    [['scenarios', 'my api', 'requests', 2, 'url'], 'scenarios["my api"].requests[2].url'],
    [['thresholds', 'http_req_duration{label:a}', 0], 'thresholds["http_req_duration{label:a}"][0]'],
  ];
  for (const [path, text] of cases) assert.equal(fieldPath(path), text);
});

test('closest suggests a name only when it is near', () => {
  const names = ['ramp-up', 'hold-for', 'concurrency'];
  assert.equal(closest('rampUp', names), 'ramp-up');
  assert.equal(closest('hold_for', names), 'hold-for');
  assert.equal(closest('concurency', names), 'concurrency');
  assert.equal(closest('throughput', names), undefined);
});

test('issueProblems words string lengths, list sizes and a missing enum value as a user reads them', () => {
  const schema = z.object({
    name: z.string().min(3).max(5),
    empty: z.string().min(1),
    tags: z.array(z.string()).max(1),
    kind: z.enum(['a', 'b']),
    count: z.number().max(2),
  });
  const r = schema.safeParse({ name: 'ab', empty: '', tags: ['x', 'y'], count: 3 }, { reportInput: true });
  assert.ok(!r.success);
  const messages = r.error.issues.flatMap(issueProblems).map((p) => `${fieldPath(p.path)}: ${p.message}`);
  assert.deepEqual(messages, [
    'name: must be at least 3 characters',
    'empty: must not be empty',
    'tags: must have at most 1 item',
    'kind: required',
    'count: must be at most 2',
  ]);
  const long = schema.safeParse({ name: 'abcdef', empty: 'x', tags: [], kind: 'c', count: 1 }, { reportInput: true });
  assert.ok(!long.success);
  assert.deepEqual(
    long.error.issues.flatMap(issueProblems).map((p) => p.message),
    ['must be at most 5 characters', '"c" is not one of a, b'],
  );
});
