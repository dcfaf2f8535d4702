import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFailure, type Sample, type TaskResult, tryParseThreshold } from '@dlt/model';
import { fakeSample, seeded } from './fake-samples.ts';
import { Histogram } from './histogram.ts';
import { mergeResults } from './merge.ts';
import { Recorder } from './recorder.ts';
import { needsSubmetric, sampleMatcher, selectorKey, submetricSelectors } from './submetrics.ts';
import { evaluateThresholds } from './thresholds.ts';

const t0 = 1_700_000_000_000;

function spec(key: string, expr: string) {
  const parsed = tryParseThreshold(key, expr);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.value;
}

test('a selector matches the samples whose tags it names', async (t) => {
  const post500 = fakeSample({ label: 'buy', scenario: 'shop', method: 'POST', status: 500, responseMs: 1 });
  const get200 = fakeSample({ label: 'home', scenario: 'browse', responseMs: 1 });
  const reset = fakeSample({ label: 'home', scenario: 'browse', error: 'reset', responseMs: 1 });
  const expected404 = { ...fakeSample({ status: 404, responseMs: 1 }), expected: true };
  const cases: [string, Record<string, string>, Sample, boolean][] = [
    ['scenario', { scenario: 'shop' }, post500, true],
    ['another scenario', { scenario: 'shop' }, get200, false],
    ['method', { method: 'POST' }, post500, true],
    ['method is exact', { method: 'post' }, post500, false],
    ['status', { status: '500' }, post500, true],
    ['status of another', { status: '500' }, get200, false],
    ['status that is no number', { status: 'ok' }, get200, false],
    ['no response is status 0', { status: '0' }, reset, true],
    ['expected_response:true on a 200', { expected_response: 'true' }, get200, true],
    ['expected_response:true on a 500', { expected_response: 'true' }, post500, false],
    ['expected_response:false on an error', { expected_response: 'false' }, reset, true],
    ['a status the script expects', { expected_response: 'true' }, expected404, true],
    ['label and name', { name: 'buy', scenario: 'shop' }, post500, true],
    ['every tag must match', { label: 'buy', method: 'GET' }, post500, false],
    ['a tag no sample has', { group: 'x' }, get200, false],
  ];
  for (const [name, tags, sample, expected] of cases) {
    await t.test(name, () => {
      assert.equal(sampleMatcher(tags)(sample, isFailure(sample)), expected);
    });
  }
});

test('selectors: only thresholds that need one, each once, in canonical form', () => {
  const specs = [
    spec('http_req_duration{scenario:buy}', 'p(95)<300'),
    spec('http_req_waiting{scenario:buy}', 'p(95)<300'),
    spec('http_req_failed{method:POST,name:pay}', 'rate<0.1'),
    spec('http_req_duration{label:pay,method:POST}', 'p(99)<900'),
    spec('http_req_duration{label:pay}', 'p(95)<300'),
    spec('http_reqs{status:500}', 'count<1'),
    spec('http_reqs{scenario:buy,status:500}', 'count<1'),
    spec('iterations{scenario:buy}', 'count>1'),
    spec('http_req_duration', 'p(95)<300'),
  ];
  assert.deepEqual(submetricSelectors(specs).map(selectorKey), [
    'scenario:buy',
    'label:pay,method:POST',
    'scenario:buy,status:500',
  ]);
  assert.equal(needsSubmetric('http_reqs', { status: '500' }), false);
  assert.equal(needsSubmetric('http_req_duration', { status: '500' }), true);
  assert.equal(needsSubmetric('iterations', { scenario: 'buy' }), false);
});

/** Requests of two scenarios: `slow` of 100..299 ms (a tenth 500s, POSTs), `fast` of 1..20 ms. */
function workload(n: number, seed: number): Sample[] {
  const rnd = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    const slow = rnd() < 0.3;
    return fakeSample({
      label: i % 2 === 0 ? 'a' : 'b',
      scenario: slow ? 'slow' : 'fast',
      method: slow ? 'POST' : 'GET',
      status: slow && rnd() < 0.1 ? 500 : 200,
      responseMs: slow ? 100 + rnd() * 200 : 1 + rnd() * 19,
      at: (i / n) * 3000,
    });
  });
}

const thresholds = [
  spec('http_req_duration{scenario:slow}', 'p(95)<50'),
  spec('http_req_duration{scenario:fast}', 'p(95)<50'),
  spec('http_req_duration{expected_response:true}', 'max<300'),
  spec('http_req_failed{method:POST}', 'rate<0.2'),
  spec('http_reqs{status:500,scenario:fast}', 'count<1'),
  spec('http_req_duration{status:500}', 'min>=100'),
  spec('data_received{scenario:slow,label:a}', 'count>0'),
];

function record(samples: readonly Sample[], parts: number): TaskResult[] {
  const selectors = submetricSelectors(thresholds);
  const recorders = Array.from(
    { length: parts },
    () => new Recorder({ startedAt: t0, clock: () => t0, submetrics: selectors }),
  );
  for (const [i, s] of samples.entries()) {
    recorders[i % parts].record(s);
    if (i % 1000 === 999) for (const [k, r] of recorders.entries()) r.tick(t0 + (i + 1) + k);
  }
  return recorders.map((r) => r.result(t0 + 3000));
}

test('sub-metrics merge exactly: two recorders give the p95 of one recorder of all samples', () => {
  const samples = workload(6000, 9);
  const [whole] = record(samples, 1);
  const merged = mergeResults(record(samples, 2));
  assert.deepEqual(merged.submetrics, whole.submetrics);
  const p95 = (r: TaskResult) => Histogram.decode(r.submetrics!['scenario:slow'].responseTime).percentile(95);
  assert.equal(p95(merged), p95(whole));
  // Against the samples themselves: the slow scenario's p95 within the histogram's precision.
  const slow = samples.filter((s) => s.scenario === 'slow').map((s) => s.endedAt - s.intendedAt);
  slow.sort((a, b) => a - b);
  const exact = slow[Math.ceil(slow.length * 0.95) - 1];
  assert.ok(Math.abs(p95(merged) - exact) / exact < 0.002, `${p95(merged)} vs ${exact}`);
  assert.equal(merged.submetrics!['scenario:slow'].requests, slow.length);
});

test('thresholds read their sub-metric: scenario, expected_response, method, status', () => {
  const samples = workload(4000, 3);
  const out = evaluateThresholds(thresholds, mergeResults(record(samples, 3)));
  const failedPosts = samples.filter((s) => s.method === 'POST' && s.status === 500).length;
  const posts = samples.filter((s) => s.method === 'POST').length;
  const by = (key: string) => out[key];
  assert.equal(by('http_req_duration{scenario:slow}: p(95)<50').ok, false);
  assert.ok((by('http_req_duration{scenario:slow}: p(95)<50').actual ?? 0) > 250);
  assert.equal(by('http_req_duration{scenario:fast}: p(95)<50').ok, true);
  assert.ok((by('http_req_duration{scenario:fast}: p(95)<50').actual ?? 99) < 21);
  // The slow 500s are over 100 ms, the passing requests all under 300 ms.
  assert.equal(by('http_req_duration{expected_response:true}: max<300').ok, true);
  assert.equal(by('http_req_duration{status:500}: min>=100').ok, true);
  assert.equal(by('http_req_failed{method:POST}: rate<0.2').actual, failedPosts / posts);
  assert.equal(by('http_reqs{status:500,scenario:fast}: count<1').actual, 0);
  assert.equal(by('http_reqs{status:500,scenario:fast}: count<1').ok, true);
  const slowA = samples.filter((s) => s.scenario === 'slow' && s.label === 'a').length;
  assert.equal(by('data_received{scenario:slow,label:a}: count>0').actual, slowA * 1000);
});

test('a recorder without selectors reports no sub-metrics, and older results still read', () => {
  const r = new Recorder({ startedAt: t0, clock: () => t0 });
  for (const s of workload(200, 5)) r.record(s);
  const result = r.result(t0 + 3000);
  assert.equal('submetrics' in result, false);
  assert.equal('submetrics' in mergeResults([result, result]), false);
  const out = evaluateThresholds(
    [spec('http_req_duration', 'p(95)<1000'), spec('http_req_duration{scenario:slow}', 'p(95)<1000')],
    result,
  );
  assert.equal(out['http_req_duration: p(95)<1000'].ok, true);
  // Never a silent zero: a selector the result does not hold fails with why.
  const missing = out['http_req_duration{scenario:slow}: p(95)<1000'];
  assert.equal(missing.ok, false);
  assert.match(missing.message ?? '', /no sub-metric \{scenario:slow\}/);
});

test('a selector no request matched reads as zero, as in k6', () => {
  const selectors = [{ scenario: 'never' }];
  const r = new Recorder({ startedAt: t0, clock: () => t0, submetrics: selectors });
  r.record(fakeSample({ responseMs: 5 }));
  const out = evaluateThresholds([spec('http_reqs{scenario:never}', 'count==0')], r.result(t0 + 1000));
  assert.equal(out['http_reqs{scenario:never}: count==0'].ok, true);
});
