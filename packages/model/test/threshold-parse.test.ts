import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DltError } from '../src/errors.ts';
import type { ThresholdSpec } from '../src/threshold.ts';
import { parseThreshold, tryParseThreshold } from '../src/threshold-parse.ts';

const spec = (
  over: Partial<ThresholdSpec> &
    Pick<ThresholdSpec, 'key' | 'metric' | 'expression' | 'aggregation' | 'operator' | 'value'>,
): ThresholdSpec => ({
  tags: {},
  abortOnFail: false,
  delayAbortEvalMs: 0,
  ...over,
});

test('parseThreshold reads every aggregation, operator and tag form', () => {
  const cases: [name: string, key: string, entry: unknown, expected: ThresholdSpec][] = [
    [
      'trend percentile',
      'http_req_duration',
      'p(95)<300',
      spec({
        key: 'http_req_duration',
        metric: 'http_req_duration',
        expression: 'p(95)<300',
        aggregation: { kind: 'percentile', p: 95 },
        operator: '<',
        value: 300,
      }),
    ],
    [
      'fractional percentile, spaces',
      'http_req_waiting',
      ' p( 99.9 ) <= 12.5 ',
      spec({
        key: 'http_req_waiting',
        metric: 'http_req_waiting',
        expression: ' p( 99.9 ) <= 12.5 ',
        aggregation: { kind: 'percentile', p: 99.9 },
        operator: '<=',
        value: 12.5,
      }),
    ],
    [
      'rate of a rate metric',
      'http_req_failed',
      'rate<0.01',
      spec({
        key: 'http_req_failed',
        metric: 'http_req_failed',
        expression: 'rate<0.01',
        aggregation: { kind: 'rate' },
        operator: '<',
        value: 0.01,
      }),
    ],
    [
      'counter count with ===',
      'dropped_iterations',
      'count===0',
      spec({
        key: 'dropped_iterations',
        metric: 'dropped_iterations',
        expression: 'count===0',
        aggregation: { kind: 'count' },
        operator: '===',
        value: 0,
      }),
    ],
    [
      'gauge value with !=',
      'vus',
      'value!=0',
      spec({
        key: 'vus',
        metric: 'vus',
        expression: 'value!=0',
        aggregation: { kind: 'value' },
        operator: '!=',
        value: 0,
      }),
    ],
    [
      'med with >',
      'iteration_duration',
      'med>1',
      spec({
        key: 'iteration_duration',
        metric: 'iteration_duration',
        expression: 'med>1',
        aggregation: { kind: 'med' },
        operator: '>',
        value: 1,
      }),
    ],
    [
      'sub-metric, name as alias of label, quoted value',
      'http_reqs{name:"login", status:200}',
      'count<100',
      spec({
        key: 'http_reqs{name:"login", status:200}',
        metric: 'http_reqs',
        tags: { label: 'login', status: '200' },
        expression: 'count<100',
        aggregation: { kind: 'count' },
        operator: '<',
        value: 100,
      }),
    ],
    [
      'sub-metric by scenario, method, status and expected_response (k6 field scripts)',
      'http_req_duration{scenario:buy,method:POST,status:200,expected_response:true}',
      'p(95)<500',
      spec({
        key: 'http_req_duration{scenario:buy,method:POST,status:200,expected_response:true}',
        metric: 'http_req_duration',
        tags: { scenario: 'buy', method: 'POST', status: '200', expected_response: 'true' },
        expression: 'p(95)<500',
        aggregation: { kind: 'percentile', p: 95 },
        operator: '<',
        value: 500,
      }),
    ],
    [
      'a failure rate by method',
      'http_req_failed{method:POST}',
      'rate<0.1',
      spec({
        key: 'http_req_failed{method:POST}',
        metric: 'http_req_failed',
        tags: { method: 'POST' },
        expression: 'rate<0.1',
        aggregation: { kind: 'rate' },
        operator: '<',
        value: 0.1,
      }),
    ],
    [
      'long form with abort',
      'iterations{scenario:api}',
      { threshold: 'rate>=100', abortOnFail: true, delayAbortEval: '10s' },
      spec({
        key: 'iterations{scenario:api}',
        metric: 'iterations',
        tags: { scenario: 'api' },
        expression: 'rate>=100',
        aggregation: { kind: 'rate' },
        operator: '>=',
        value: 100,
        abortOnFail: true,
        delayAbortEvalMs: 10_000,
      }),
    ],
  ];
  for (const [name, key, entry, expected] of cases) {
    assert.deepEqual(tryParseThreshold(key, entry), { ok: true, value: expected }, name);
  }
});

test('tryParseThreshold refuses with a message and hint', () => {
  const cases: [name: string, key: string, entry: unknown, message: string, hint?: string][] = [
    [
      'unknown metric, near a known one',
      'http_req_durations',
      'p(95)<1',
      '"http_req_durations" is not a metric',
      'did you mean http_req_duration?',
    ],
    [
      'not a key at all',
      'a b',
      'avg<1',
      '"a b" is not a metric name with an optional tag filter',
      'e.g. http_req_duration{label:login}',
    ],
    [
      'aggregation of another type',
      'http_req_duration',
      'rate<1',
      '"rate<1": rate does not apply to http_req_duration (a trend: avg, min, max, med, p(N))',
    ],
    [
      'percentile of a counter',
      'http_reqs',
      'p(95)<1',
      '"p(95)<1": p(95) does not apply to http_reqs (a counter: count, rate)',
    ],
    [
      'unknown aggregation',
      'http_req_failed',
      'mean<1',
      '"mean<1": "mean" is not an aggregation',
      'http_req_failed is a rate: rate',
    ],
    ['percentile out of range', 'http_req_duration', 'p(101)<1', '"p(101)<1": a percentile is 0 to 100, got 101'],
    [
      'bad operator',
      'http_req_duration',
      'p(95)=>1',
      '"p(95)=>1": "=>" is not an operator',
      'one of <, <=, >, >=, ==, ===, !=',
    ],
    [
      'no operator',
      'http_req_duration',
      'p(95) 300',
      '"p(95) 300" has no comparison operator',
      'one of <, <=, >, >=, ==, ===, !=, e.g. p(95)<300',
    ],
    [
      'a unit on the number',
      'http_req_duration',
      'avg<1s',
      '"avg<1s": "1s" is not a number',
      'times are in milliseconds, e.g. p(95)<300',
    ],
    ['a word for a number', 'checks', 'rate>high', '"rate>high": "high" is not a number'],
    [
      'unknown tag',
      'http_req_duration{host:a}',
      'avg<1',
      'http_req_duration has no tag "host"',
      'tags: label, scenario, method, status, expected_response',
    ],
    [
      'a k6 tag dlt does not keep apart',
      'http_req_duration{group:::checkout}',
      'p(95)<300',
      'dlt cannot filter http_req_duration by group yet',
      'tags: label, scenario, method, status, expected_response',
    ],
    [
      'a url tag',
      'http_req_failed{url:http://a/}',
      'rate<0.1',
      'dlt cannot filter http_req_failed by url yet',
      'tags: label, scenario, method, status, expected_response',
    ],
    [
      'expected_response is a boolean',
      'http_req_duration{expected_response:yes}',
      'p(95)<300',
      'expected_response is true or false, got "yes"',
    ],
    [
      'a scenario on a check rate',
      'checks{scenario:a}',
      'rate>0.9',
      'dlt cannot filter checks by scenario yet',
      'tags: check',
    ],
    ['a k6 metric dlt does not measure', 'http_req_blocked', 'avg<1', 'dlt does not measure http_req_blocked yet'],
    ['tag twice through its alias', 'http_req_duration{label:a,name:b}', 'avg<1', 'tag "label" is given twice'],
    ['malformed tag filter', 'http_reqs{label}', 'count<1', '"{label}" is not a tag filter', 'e.g. {label:login}'],
    ['tags on a metric without tags', 'vus{scenario:a}', 'value<1', 'vus has no tags to filter on'],
    [
      'long form with an unknown field',
      'http_reqs',
      { threshold: 'count<1', abort: true },
      'unknown field "abort"',
      'fields: threshold, abortOnFail, delayAbortEval',
    ],
    [
      'long form with a bad delay',
      'http_reqs',
      { threshold: 'count<1', delayAbortEval: 'later' },
      'delayAbortEval: "later" is not a duration',
      'e.g. 30s, 1m30s',
    ],
    [
      'a number instead of an expression',
      'http_reqs',
      5,
      'expected an expression such as "p(95)<300" or { threshold, abortOnFail, delayAbortEval }',
    ],
  ];
  for (const [name, key, entry, message, hint] of cases) {
    assert.deepEqual(tryParseThreshold(key, entry), { ok: false, message, hint }, name);
  }
});

test('parseThreshold throws a DltError naming the key', () => {
  assert.throws(
    () => parseThreshold('http_reqs', 'avg<1'),
    (e) =>
      DltError.is(e) &&
      e.message === 'thresholds["http_reqs"]: "avg<1": avg does not apply to http_reqs (a counter: count, rate)',
  );
});
