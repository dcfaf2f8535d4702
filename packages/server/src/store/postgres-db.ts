/**
 * A thin layer over a `pg` pool: connects, applies the pending migrations under an advisory
 * lock, and offers the calls the store needs (query, transaction). JSON columns come back as
 * text so the shared column maps decode them the same way as SQLite's.
 */
import pg from 'pg';
import type { SqlValue } from './columns.ts';
import type { Migration } from './sqlite-schema.ts';

type Row = Record<string, unknown>;
/** A statement parameter: a column value, or a list for `= ANY($n)`. */
export type PgParam = SqlValue | readonly string[];

/** A pool or a client inside a transaction. */
export interface PgQueryable {
  query(sql: string, params?: readonly PgParam[]): Promise<{ rows: Row[]; rowCount: number }>;
}

/** Any fixed number shared by every dlt server on one database: the migration lock's key. */
const migrationLock = 0x646c74;
const jsonTypes = new Set<number>([pg.types.builtins.JSON, pg.types.builtins.JSONB]);

/** Every type as `pg` parses it, but JSON stays text for the column maps to decode. */
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) => (jsonTypes.has(oid) ? (text: string) => text : pg.types.getTypeParser(oid, format)),
};

export interface PgOptions {
  /** Most connections the pool opens. Default 10. */
  readonly maxConnections?: number;
}

export class PgDb implements PgQueryable {
  readonly #pool: pg.Pool;
  #open = true;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects to `url` (`postgres://user:pass@host:port/db?sslmode=…`) and migrates the database. */
  static async open(url: string, migrations: readonly Migration[], options: PgOptions = {}): Promise<PgDb> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      types,
    });
    // An idle connection dropped by the server is replaced on the next query; without a
    // listener its error would end the process.
    pool.on('error', () => {});
    const db = new PgDb(pool);
    try {
      await db.transaction((q) => migrate(q, migrations));
    } catch (e) {
      await db.close();
      throw e;
    }
    return db;
  }

  async query(sql: string, params: readonly PgParam[] = []): Promise<{ rows: Row[]; rowCount: number }> {
    const r = await this.#pool.query(sql, params as unknown[]);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  }

  /** Runs `fn` on one connection in one transaction, rolled back if it throws. */
  async transaction<T>(fn: (q: PgQueryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const q: PgQueryable = {
      query: async (sql, params = []) => {
        const r = await client.query(sql, params as unknown[]);
        return { rows: r.rows, rowCount: r.rowCount ?? 0 };
      },
    };
    try {
      await client.query('BEGIN');
      const out = await fn(q);
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      // A connection whose state is unknown is closed, not returned to the pool.
      client.release(true);
      throw e;
    }
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#pool.end();
  }
}

async function migrate(q: PgQueryable, migrations: readonly Migration[]): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [migrationLock]);
  await q.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)');
  const done = new Set((await q.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = Math.max(0, ...done);
  if (newest > known) {
    throw new Error(`the database is at schema version ${newest}, newer than this server knows (${known})`);
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await q.query(m.sql);
    await q.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
      m.version,
      new Date().toISOString(),
    ]);
  }
}

/** True when `e` is PostgreSQL's unique-constraint failure. */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === '23505';
}
