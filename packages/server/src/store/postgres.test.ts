/**
 * The PostgreSQL store passes the store contract on a real PostgreSQL (a private cluster on a
 * loopback port), migrates once when replicas start together, refuses a newer schema, and lets
 * only one of two racing replicas win a run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { openStore } from './open-store.ts';
import { type PgTestServer, startPgTestServer } from './pg-test-server.ts';
import { postgresMigrations } from './postgres-schema.ts';
import { PostgresStore } from './postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { sampleRun, sampleTest, storeContract } from './store.contract.ts';

let server: PgTestServer;
before(async () => {
  server = await startPgTestServer();
});
after(() => server?.stop());

storeContract('postgres', async () => {
  const url = await server.createDatabase();
  return { open: () => PostgresStore.open(url), dispose: () => server.dropDatabase(url) };
});

/** A fresh database for one test, dropped after it. */
async function database(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const url = await server.createDatabase();
  t.after(() => server.dropDatabase(url));
  return url;
}

async function sql(url: string, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

test('postgres store: migrations apply once, and a newer schema than known is refused', async (t) => {
  const url = await database(t);
  await (await PostgresStore.open(url)).close();
  await (await PostgresStore.open(url)).close();
  assert.deepEqual(
    (await sql(url, 'SELECT version FROM schema_migrations')).map((r) => r.version),
    postgresMigrations.map((m) => m.version),
  );
  await sql(url, "INSERT INTO schema_migrations (version, applied_at) VALUES (99, 'now')");
  await assert.rejects(PostgresStore.open(url), /schema version 99, newer than this server knows \(2\)/);
});

test('postgres store: replicas opening one fresh database together migrate it once', async (t) => {
  const url = await database(t);
  const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url)));
  t.after(() => Promise.all(stores.map((s) => s.close())));
  assert.equal((await sql(url, 'SELECT COUNT(*)::int AS n FROM schema_migrations'))[0].n, postgresMigrations.length);
  await stores[0].putTest(sampleTest('t1'));
  assert.equal((await stores[3].getTest('t1'))?.testId, 't1');
});

test('postgres store: of replicas racing on one test and one run, exactly one wins each race', async (t) => {
  const url = await database(t);
  const stores = await Promise.all(Array.from({ length: 3 }, () => PostgresStore.open(url)));
  t.after(() => Promise.all(stores.map((s) => s.close())));
  await stores[0].putTest(sampleTest('t1'));
  for (let round = 0; round < 5; round++) {
    const created = await Promise.all(stores.map((s, i) => s.createRun(sampleRun(`r${round}-${i}`, 't1'))));
    assert.equal(created.filter(Boolean).length, 1, `round ${round}: one run created`);
    const runId = `r${round}-${created.indexOf(true)}`;
    const ends = ['complete', 'failed', 'cancelled'] as const;
    const moved = await Promise.all(stores.map((s, i) => s.transitionRun(runId, ['queued'], ends[i])));
    assert.equal(moved.filter(Boolean).length, 1, `round ${round}: one transition`);
    assert.equal((await stores[1].getRun(runId))?.status, ends[moved.indexOf(true)]);
  }
  assert.equal(await stores[2].countRuns('t1'), 5);
});

test('postgres store: a search_path in the URL keeps the tables in a schema of their own', async (t) => {
  const url = await database(t);
  await sql(url, 'CREATE SCHEMA dlt');
  const store = await PostgresStore.open(`${url}?options=-c%20search_path%3Ddlt`);
  t.after(() => store.close());
  await store.putTest(sampleTest('t1'));
  const tables = await sql(
    url,
    "SELECT table_schema AS s FROM information_schema.tables WHERE table_name IN ('tests', 'schema_migrations')",
  );
  assert.deepEqual(
    tables.map((r) => r.s),
    ['dlt', 'dlt'],
  );
});

test('postgres store: tests keep their JSON as written and tasks go in batches', async (t) => {
  const url = await database(t);
  const store = await PostgresStore.open(url);
  t.after(() => store.close());
  const scenario = { z: 1, a: { y: [3, 2, 1], b: 0.1 + 0.2 }, 'hold-for': '1m' };
  await store.putTest(sampleTest('t1', { testScenario: scenario }));
  assert.equal(
    (await sql(url, "SELECT test_scenario::text AS s FROM tests WHERE test_id = 't1'"))[0].s,
    JSON.stringify(scenario),
  );
  assert.deepEqual(Object.keys((await store.getTest('t1'))?.testScenario as object), ['z', 'a', 'hold-for']);
  await store.createRun(sampleRun('r1', 't1'));
  const task = {
    runId: 'r1',
    testId: 't1',
    region: 'eu',
    concurrency: 1,
    status: 'pending',
    resultStored: false,
  } as const;
  const tasks = Array.from({ length: 1203 }, (_, i) => ({ ...task, taskId: `r1-t${i}`, index: i }));
  await store.putTasks([...tasks, { ...tasks[5], region: 'us' }]);
  const listed = await store.listTasks('r1');
  assert.equal(listed.length, 1203);
  assert.deepEqual(
    listed.slice(0, 3).map((x) => x.index),
    [0, 1, 2],
  );
  assert.equal(listed[5].region, 'us');
});

test('openStore: PostgreSQL when a database URL is given, SQLite under the data folder otherwise', async (t) => {
  const url = await database(t);
  const pgStore = await openStore({ dataDir: '/nonexistent/never-used', databaseUrl: url });
  t.after(() => pgStore.close());
  assert.ok(pgStore instanceof PostgresStore);
  await pgStore.putTest(sampleTest('t1'));
  assert.equal((await sql(url, 'SELECT test_id FROM tests'))[0].test_id, 't1');
  const dir = await mkdtemp(join(tmpdir(), 'dlt-open-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const lite = await openStore({ dataDir: dir });
  t.after(() => lite.close());
  assert.ok(lite instanceof SqliteStore);
  const cases = [
    [
      'postgres://dlt:secret@127.0.0.1:1/x',
      /cannot open the PostgreSQL database at postgres:\/\/dlt:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/,
    ],
    ['mysql://127.0.0.1/x', /DLT_DATABASE_URL: must be a postgres:\/\/ URL/],
    [server.url('no_such_db'), /database "no_such_db" does not exist/],
  ] as const;
  for (const [databaseUrl, message] of cases) {
    await assert.rejects(openStore({ dataDir: dir, databaseUrl }), (e: Error) => {
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
  }
});
