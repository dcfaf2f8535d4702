/**
 * A thin layer over `node:sqlite`: opens the file (WAL, foreign-key-free, busy timeout), applies
 * the pending migrations, and offers the four calls the store needs (run, get, all, transaction).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SqlValue } from './columns.ts';
import type { Migration } from './sqlite-schema.ts';

type Row = Record<string, unknown>;

export class SqliteDb {
  readonly #db: DatabaseSync;
  #open = true;

  /** Opens (creating) the database at `path` (`:memory:` for a private one) and migrates it. */
  constructor(path: string, migrations: readonly Migration[]) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.#migrate(migrations);
  }

  #migrate(migrations: readonly Migration[]): void {
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const done = new Set(this.all('SELECT version FROM schema_migrations').map((r) => Number(r.version)));
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new Error(`the database is at schema version ${newest}, newer than this server knows (${known})`);
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      this.transaction(() => {
        this.#db.exec(m.sql);
        this.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [
          m.version,
          new Date().toISOString(),
        ]);
      });
    }
  }

  /** Runs a statement; returns the number of rows changed. */
  run(sql: string, params: readonly SqlValue[] = []): number {
    return Number(this.#db.prepare(sql).run(...params).changes);
  }

  get(sql: string, params: readonly SqlValue[] = []): Row | undefined {
    return this.#db.prepare(sql).get(...params) as Row | undefined;
  }

  all(sql: string, params: readonly SqlValue[] = []): Row[] {
    return this.#db.prepare(sql).all(...params) as Row[];
  }

  /** Runs `fn` in one transaction, rolled back if it throws. */
  transaction<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.#db.exec('COMMIT');
      return out;
    } catch (e) {
      this.#db.exec('ROLLBACK');
      throw e;
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#db.close();
  }
}

/** True when `e` is SQLite's unique-constraint failure. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { errcode?: number; message?: string };
  return err?.errcode === 2067 || err?.errcode === 1555 || /UNIQUE constraint failed/.test(String(err?.message));
}
