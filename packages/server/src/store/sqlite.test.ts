/** The SQLite store passes the store contract, and refuses a database newer than it knows. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteDb } from './sqlite-db.ts';
import { sqliteMigrations } from './sqlite-schema.ts';
import { SqliteStore } from './sqlite-store.ts';
import { storeContract } from './store.contract.ts';

storeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-store-'));
  const path = join(dir, 'nested', 'dlt.db');
  return {
    open: async () => new SqliteStore(path),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

test('migrations apply once, and a newer schema than known is refused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dlt-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'dlt.db');
  new SqliteStore(path).close();
  const db = new SqliteDb(path, sqliteMigrations);
  assert.deepEqual(
    db.all('SELECT version FROM schema_migrations').map((r) => r.version),
    sqliteMigrations.map((m) => m.version),
  );
  db.run('INSERT INTO schema_migrations (version, applied_at) VALUES (99, ?)', ['now']);
  db.close();
  assert.throws(() => new SqliteStore(path), /schema version 99, newer than this server knows \(2\)/);
});
