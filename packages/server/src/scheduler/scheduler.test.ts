/**
 * The scheduler inside a real server (SQLite, an idle launcher so runs wait in provisioning),
 * driven by an injected clock: one-time, cron in a time zone across a DST change, expiry,
 * overlap, restart, and a firing missed while no server ran (skipped by default, or run once).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';

const target = 'http://127.0.0.1:9/';
const ms = (iso: string) => Date.parse(iso);

/** A clock the test moves by hand. */
class Clock {
  at: number;
  constructor(iso: string) {
    this.at = ms(iso);
  }
  set(iso: string): void {
    this.at = ms(iso);
  }
}

async function serverWith(clock: Clock, dataDir?: string): Promise<TestServer> {
  return testServer({
    ...(dataDir ? { dataDir } : {}),
    scheduler: { now: () => clock.at, pollMs: 3_600_000, graceMs: 60_000 },
  });
}

async function schedule(t: TestServer, fields: Record<string, unknown>) {
  const res = await t.call('POST', '/api/scenarios', { token: 'editor', body: seedBody(target, fields) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { testId: string; status: string; nextRun: string | null };
}

async function scheduleOf(t: TestServer, testId: string) {
  const res = await t.call('GET', `/api/scenarios/${testId}/schedule`, { token: 'viewer' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as {
    scheduled: boolean;
    nextRun: string | null;
    events: { outcome: string; firing: string; runId?: string; detail?: string }[];
  };
}

async function tick(t: TestServer) {
  return (await t.server.context.scheduler.tick()).map((e) => e.outcome);
}

test('a one-time schedule fires once at its time, then the test shows the run', async (c) => {
  const clock = new Clock('2026-05-10T12:00:00Z');
  const t = await serverWith(clock);
  c.after(() => t.close());
  const s = await schedule(t, {
    scheduleStep: 'start',
    scheduleDate: '2026-05-10',
    scheduleTime: '15:30',
    scheduleTimezone: 'Europe/Paris',
  });
  assert.equal(s.status, 'scheduled');
  assert.equal(s.nextRun, '2026-05-10T13:30:00.000Z');
  assert.equal((await scheduleOf(t, s.testId)).scheduled, true);
  const listed = await t.call('GET', '/api/scenarios', { token: 'viewer' });
  assert.equal(listed.body.Items[0].nextRun, '2026-05-10T13:30:00.000Z');
  clock.set('2026-05-10T13:29:59Z');
  assert.deepEqual(await tick(t), []);
  clock.set('2026-05-10T13:30:02Z');
  assert.deepEqual(await tick(t), ['started']);
  assert.deepEqual(await tick(t), []);
  const after = await t.call('GET', `/api/scenarios/${s.testId}`, { token: 'viewer' });
  assert.equal(after.body.nextRun, null);
  assert.equal(after.body.totalTestRuns, 1);
  assert.ok(['queued', 'provisioning'].includes(after.body.status), after.body.status);
  const done = await scheduleOf(t, s.testId);
  assert.equal(done.scheduled, false, 'a one-time schedule that fired is over');
  const events = done.events;
  assert.equal(events.length, 1);
  assert.equal(events[0].runId, after.body.testRunId);
  assert.equal(events[0].firing, '2026-05-10T13:30:00.000Z');
});

test('past times are refused with a 400 naming the field; a bad cron and time zone too', async (c) => {
  const clock = new Clock('2026-05-10T12:00:00Z');
  const t = await serverWith(clock);
  c.after(() => t.close());
  const cases = [
    [{ scheduleStep: 'start', scheduleDate: '2026-05-10', scheduleTime: '11:00' }, ['scheduleTime']],
    [{ scheduleStep: 'start', scheduleDate: '2026-05-01', scheduleTime: '13:00' }, ['scheduleDate']],
    [{ scheduleStep: 'create', cronValue: '0 3 * * *', cronExpiryDate: '2026-05-01' }, ['cronExpiryDate']],
    [{ scheduleStep: 'create', cronValue: 'every day', scheduleTimezone: 'Nowhere/City' }, ['scheduleTimezone']],
    [{ scheduleStep: 'create', cronValue: '0 3 * *' }, ['cronValue']],
  ] as const;
  for (const [fields, named] of cases) {
    const res = await t.call('POST', '/api/scenarios', { token: 'editor', body: seedBody(target, fields) });
    assert.equal(res.status, 400, JSON.stringify(fields));
    assert.deepEqual(
      res.body.problems.map((p: { field: string }) => p.field),
      named,
    );
  }
  assert.equal((await t.call('GET', '/api/scenarios', { token: 'viewer' })).body.Items.length, 0);
});

test('cron in Paris across the spring DST change, overlap while a run goes on, then expiry', async (c) => {
  const clock = new Clock('2026-03-28T12:00:00Z');
  const t = await serverWith(clock);
  c.after(() => t.close());
  const s = await schedule(t, {
    scheduleStep: 'create',
    cronValue: '30 2 * * *',
    scheduleTimezone: 'Europe/Paris',
    cronExpiryDate: '2026-03-30',
  });
  // 02:30 does not exist on 29 March in Paris: it fires at 03:00 CEST (01:00Z).
  assert.equal(s.nextRun, '2026-03-29T01:00:00.000Z');
  clock.set('2026-03-29T01:00:01Z');
  assert.deepEqual(await tick(t), ['started']);
  assert.equal((await scheduleOf(t, s.testId)).nextRun, '2026-03-30T00:30:00.000Z');
  // The first run waits in provisioning (idle launcher): the next firing is skipped and recorded.
  clock.set('2026-03-30T00:30:00Z');
  assert.deepEqual(await tick(t), ['overlap']);
  const sched = await scheduleOf(t, s.testId);
  assert.equal(sched.nextRun, null, 'expired after 30 March');
  assert.deepEqual(
    sched.events.map((e) => e.outcome),
    ['overlap', 'started'],
  );
  assert.match(sched.events[0].detail ?? '', /had not ended/);
  const test = await t.call('GET', `/api/scenarios/${s.testId}`, { token: 'viewer' });
  assert.equal(test.body.totalTestRuns, 1);
  clock.set('2026-04-05T00:30:00Z');
  assert.deepEqual(await tick(t), []);
});

test('a re-POST without schedule fields runs now and keeps the schedule; DELETE removes it', async (c) => {
  const clock = new Clock('2026-05-10T12:00:00Z');
  const t = await serverWith(clock);
  c.after(() => t.close());
  const s = await schedule(t, { scheduleStep: 'create', cronValue: '0 * * * *' });
  const rerun = await t.call('POST', '/api/scenarios', {
    token: 'editor',
    body: seedBody(target, { testId: s.testId }),
  });
  assert.equal(rerun.status, 200);
  assert.equal(rerun.body.cronValue, '0 * * * *');
  assert.equal(rerun.body.nextRun, '2026-05-10T13:00:00.000Z');
  assert.equal(rerun.body.totalTestRuns, 1);
  await t.call('POST', `/api/scenarios/${s.testId}`, { token: 'editor' });
  assert.equal((await t.call('DELETE', `/api/scenarios/${s.testId}/schedule`, { token: 'viewer' })).status, 403);
  assert.equal((await t.call('DELETE', `/api/scenarios/${s.testId}/schedule`, { token: 'editor' })).status, 200);
  const after = await t.call('GET', `/api/scenarios/${s.testId}`, { token: 'viewer' });
  assert.equal(after.body.nextRun, null);
  assert.equal(after.body.cronValue, undefined);
  assert.equal(after.body.status, 'cancelled');
  clock.set('2026-05-10T13:00:00Z');
  assert.deepEqual(await tick(t), []);
  assert.equal((await t.call('DELETE', `/api/scenarios/${s.testId}/schedule`, { token: 'editor' })).status, 404);
});

/** Schedules a test, stops the server, moves the clock, starts another server on the same data. */
async function restartAcross(
  c: { after(fn: () => Promise<void>): void },
  fields: Record<string, unknown>,
  downUntil: string,
) {
  const dataDir = await mkdtemp(join(tmpdir(), 'dlt-sched-'));
  c.after(() => rm(dataDir, { recursive: true, force: true }));
  const clock = new Clock('2026-05-10T12:00:00Z');
  const first = await serverWith(clock, dataDir);
  const s = await schedule(first, fields);
  await first.close();
  clock.set(downUntil);
  const second = await serverWith(clock, dataDir);
  c.after(() => second.close());
  return { t: second, clock, testId: s.testId };
}

test('restart: the schedule survives, and a firing due while down but within grace still runs', async (c) => {
  const { t, testId } = await restartAcross(
    c,
    { scheduleStep: 'create', cronValue: '0 13 * * *' },
    '2026-05-10T13:00:30Z',
  );
  const sched = await scheduleOf(t, testId);
  assert.deepEqual(
    sched.events.map((e) => e.outcome),
    ['started'],
  );
  assert.equal(sched.events[0].detail, undefined);
  assert.equal(sched.nextRun, '2026-05-11T13:00:00.000Z');
});

test('missed while no server ran: skipped by default, and the skip is recorded', async (c) => {
  const { t, testId } = await restartAcross(
    c,
    { scheduleStep: 'create', cronValue: '0 * * * *' },
    '2026-05-10T15:20:00Z',
  );
  const sched = await scheduleOf(t, testId);
  assert.deepEqual(
    sched.events.map((e) => e.outcome),
    ['missed'],
  );
  assert.equal(sched.events[0].firing, '2026-05-10T13:00:00.000Z');
  assert.match(
    sched.events[0].detail ?? '',
    /^3 firings missed from 2026-05-10T13:00:00.000Z to 2026-05-10T15:00:00.000Z/,
  );
  assert.equal(sched.nextRun, '2026-05-10T16:00:00.000Z');
  const test = await t.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' });
  assert.equal(test.body.totalTestRuns, 0);
  assert.equal(test.body.status, 'scheduled');
});

test('missed while no server ran: run once at start when the test says run-once', async (c) => {
  const fields = { scheduleStep: 'create', cronValue: '0 * * * *', scheduleMissed: 'run-once' };
  const { t, testId } = await restartAcross(c, fields, '2026-05-10T15:20:00Z');
  const sched = await scheduleOf(t, testId);
  assert.deepEqual(
    sched.events.map((e) => e.outcome),
    ['started'],
  );
  assert.match(sched.events[0].detail ?? '', /3 firings missed .*; ran once at start$/);
  const test = await t.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' });
  assert.equal(test.body.totalTestRuns, 1);
  assert.equal(test.body.scheduleMissed, 'run-once');
});

test('the loop fires on its own when the time comes (real timers, a short poll)', async (c) => {
  const clock = new Clock('2026-05-10T12:00:00Z');
  const t = await testServer({ scheduler: { now: () => clock.at, pollMs: 20 } });
  c.after(() => t.close());
  const s = await schedule(t, { scheduleStep: 'start', scheduleDate: '2026-05-10', scheduleTime: '12:05' });
  clock.set('2026-05-10T12:05:00Z');
  for (let i = 0; i < 500 && (await scheduleOf(t, s.testId)).events.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(
    (await scheduleOf(t, s.testId)).events.map((e) => e.outcome),
    ['started'],
  );
});
