/**
 * The schedule part of the PostgreSQL store: each scheduled test's next run and the history of
 * its firings. A firing is claimed with one guarded UPDATE (compare-and-set on the next run), so
 * of several server replicas on one database exactly one fires it.
 */
import type { PgDb } from './postgres-db.ts';
import { Params, upsert } from './postgres-sql.ts';
import { scheduleColumns, scheduleEventColumns } from './sqlite-schema.ts';
import type { ScheduleEvent, ScheduleRecord } from './store.ts';

export class PgSchedules {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async put(s: ScheduleRecord): Promise<void> {
    await this.#db.query(...upsert('schedules', scheduleColumns.names, 'test_id', [scheduleColumns.values(s)]));
  }

  async get(testId: string): Promise<ScheduleRecord | undefined> {
    const row = (await this.#db.query('SELECT * FROM schedules WHERE test_id = $1', [testId])).rows[0];
    return row && scheduleColumns.read(row);
  }

  async list(): Promise<ScheduleRecord[]> {
    const { rows } = await this.#db.query('SELECT * FROM schedules ORDER BY test_id');
    return rows.map((r) => scheduleColumns.read(r));
  }

  async delete(testId: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM schedules WHERE test_id = $1', [testId])).rowCount > 0;
  }

  async due(at: string): Promise<ScheduleRecord[]> {
    const sql = 'SELECT * FROM schedules WHERE next_run IS NOT NULL AND next_run <= $1 ORDER BY next_run, test_id';
    return (await this.#db.query(sql, [at])).rows.map((r) => scheduleColumns.read(r));
  }

  async next(): Promise<string | undefined> {
    const row = (await this.#db.query('SELECT MIN(next_run) AS n FROM schedules WHERE next_run IS NOT NULL')).rows[0];
    return row?.n == null ? undefined : String(row.n);
  }

  async claim(testId: string, firing: string, next: string | undefined, updatedAt: string): Promise<boolean> {
    const sql = 'UPDATE schedules SET next_run = $1, updated_at = $2 WHERE test_id = $3 AND next_run = $4';
    return (await this.#db.query(sql, [next ?? null, updatedAt, testId, firing])).rowCount > 0;
  }

  async addEvent(e: ScheduleEvent): Promise<void> {
    const p = new Params();
    const sql = `INSERT INTO schedule_events (${scheduleEventColumns.names.join(', ')}) VALUES ${p.row(scheduleEventColumns.values(e))}`;
    await this.#db.query(sql, p.values);
  }

  async events(testId: string, limit: number): Promise<ScheduleEvent[]> {
    const sql = 'SELECT * FROM schedule_events WHERE test_id = $1 ORDER BY at DESC, event_id DESC LIMIT $2';
    return (await this.#db.query(sql, [testId, limit])).rows.map((r) => scheduleEventColumns.read(r));
  }
}
