/**
 * Two server replicas on one real PostgreSQL (a private cluster on a loopback port), with one
 * injected clock: every firing of a schedule is acted on by exactly one of them, however their
 * ticks interleave.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PgTestServer, startPgTestServer } from '../store/pg-test-server.ts';
import { PostgresStore } from '../store/postgres-store.ts';
import { seedBody, type TestServer, testServer } from '../test-kit.ts';

let pg: PgTestServer;
before(async () => {
  pg = await startPgTestServer();
});
after(() => pg?.stop());

test('two replicas on one PostgreSQL fire each schedule once', async (c) => {
  const url = await pg.createDatabase();
  c.after(() => pg.dropDatabase(url));
  let now = Date.parse('2026-05-10T12:00:00Z');
  const replica = async () =>
    testServer({ store: await PostgresStore.open(url), scheduler: { now: () => now, pollMs: 3_600_000 } });
  const replicas: TestServer[] = [await replica(), await replica()];
  c.after(() => Promise.all(replicas.map((r) => r.close())).then(() => {}));
  const [a, b] = replicas;

  const body = seedBody('http://127.0.0.1:9/', { scheduleStep: 'create', cronValue: '0 * * * *' });
  const created = await a.call('POST', '/api/scenarios', { token: 'editor', body });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const { testId } = created.body;
  assert.equal((await b.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' })).body.status, 'scheduled');

  for (const hour of [13, 14, 15, 16, 17]) {
    now = Date.parse(`2026-05-10T${hour}:00:00Z`);
    const ticks = await Promise.all(replicas.map((r) => r.server.context.scheduler.tick()));
    const outcomes = ticks.flat().map((e) => e.outcome);
    assert.deepEqual(outcomes, ['started'], `firing at ${hour}:00`);
    // End the run (it waits in provisioning on the idle launcher) so the next firing can start one.
    const owner = ticks[0].length > 0 ? a : b;
    assert.equal((await owner.call('POST', `/api/scenarios/${testId}`, { token: 'editor' })).status, 200);
  }
  const sched = await b.call('GET', `/api/scenarios/${testId}/schedule`, { token: 'viewer' });
  assert.equal(sched.body.events.length, 5);
  assert.equal(sched.body.nextRun, '2026-05-10T18:00:00.000Z');
  assert.equal((await a.call('GET', `/api/scenarios/${testId}`, { token: 'viewer' })).body.totalTestRuns, 5);
});
