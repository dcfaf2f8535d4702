/** A test's settings in words: the load model, the regions and the requests of a simple test. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadText, regionsText, requestsText } from './settings-text.ts';

const doc = {
  execution: [{ scenario: 'default', concurrency: 20, 'ramp-up': '5s', 'hold-for': '40s', throughput: 40 }],
  scenarios: { default: { requests: ['https://a.test/', { url: 'https://a.test/order', method: 'POST' }] } },
};

test('the Taurus load in words, without the concurrency each task replaces', () => {
  assert.equal(loadText(doc), 'ramp up 5s, hold for 40s, 40 req/s per task');
  assert.equal(loadText({ execution: [{ 'ramp-up': '0s', 'hold-for': '1m' }] }), 'hold for 1m');
});

test('an executor keeps its own options, users included', () => {
  const k6 = { execution: [{ scenario: 'default', executor: 'constant-vus', vus: 5, duration: '1m' }] };
  assert.equal(loadText(k6), 'executor constant-vus, vus 5, duration 1m');
});

test('regions with their counts, singular and plural', () => {
  assert.equal(
    regionsText([
      { region: 'local', taskCount: 1, concurrency: 10 },
      { region: 'eu', taskCount: 2, concurrency: 1 },
    ]),
    'local: 1 task × 10 users · eu: 2 tasks × 1 user',
  );
});

test('requests of a simple test, a bare URL as a GET; nothing from a malformed document', () => {
  assert.deepEqual(requestsText(doc), ['GET https://a.test/', 'POST https://a.test/order']);
  assert.deepEqual(requestsText({ scenarios: { x: null } }), []);
  assert.equal(loadText({ execution: 'no' }), '');
  assert.equal(regionsText(undefined), '');
});
