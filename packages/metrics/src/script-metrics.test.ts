import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScriptMetric } from '@dlt/model';
import { mergeResults } from './merge.ts';
import { Recorder } from './recorder.ts';
import { summarize } from './summary.ts';

const t0 = 1_700_000_000_000;

function task(points: readonly ScriptMetric[], at: number) {
  const r = new Recorder({ startedAt: t0, clock: () => at });
  for (const p of points) r.recordMetric('default', p);
  return r.result(t0 + 10_000);
}

test('checks and custom metrics merge exactly across tasks and reach the summary', () => {
  const a = task(
    [
      { kind: 'check', name: 'is 200', ok: true },
      { kind: 'check', name: 'is 200', ok: false },
      { kind: 'counter', name: 'orders', value: 2 },
      { kind: 'trend', name: 'think', value: 100 },
      { kind: 'rate', name: 'hit', value: 1 },
      { kind: 'gauge', name: 'depth', value: 7 },
    ],
    t0 + 1000,
  );
  const b = task(
    [
      { kind: 'check', name: 'is 200', ok: true },
      { kind: 'counter', name: 'orders', value: 3 },
      { kind: 'trend', name: 'think', value: 300 },
      { kind: 'rate', name: 'hit', value: 0 },
      { kind: 'gauge', name: 'depth', value: 1 },
    ],
    t0 + 2000,
  );
  const merged = mergeResults([a, b]);
  assert.deepEqual(merged.checks, { 'is 200': { passes: 2, fails: 1 } });
  assert.deepEqual(merged.metrics?.orders, { type: 'counter', count: 5 });
  assert.deepEqual(merged.metrics?.hit, { type: 'rate', matches: 1, total: 2 });
  // The later task's gauge value wins; min and max span both.
  assert.deepEqual(merged.metrics?.depth, { type: 'gauge', value: 1, min: 1, max: 7, at: t0 + 2000 });
  const s = summarize(merged);
  assert.deepEqual(s.checks, { 'is 200': { passes: 2, fails: 1 } });
  assert.deepEqual(s.metrics?.orders, { type: 'counter', count: 5, rate: 0.5 });
  const think = s.metrics?.think;
  assert.ok(think?.type === 'trend');
  assert.equal(think.count, 2);
  assert.ok(Math.abs(think.stats.mean - 200) < 0.5, `mean ${think.stats.mean}`);
});

test('a result without checks or custom metrics has neither field', () => {
  const r = task([], t0);
  assert.equal('checks' in r, false);
  assert.equal('metrics' in r, false);
  assert.equal('metrics' in summarize(r), false);
});

test('a value of another type than the first one of its name is dropped', () => {
  const r = task(
    [
      { kind: 'counter', name: 'x', value: 1 },
      { kind: 'trend', name: 'x', value: 5 },
    ],
    t0,
  );
  assert.deepEqual(r.metrics, { x: { type: 'counter', count: 1 } });
});
