/**
 * The schedule part of the SQLite store: each scheduled test's next run and the history of its
 * firings. A firing is claimed with one guarded UPDATE (compare-and-set on the next run), so two
 * processes on one file cannot both fire it.
 */
import type { SqliteDb } from './sqlite-db.ts';
import { scheduleColumns, scheduleEventColumns } from './sqlite-schema.ts';
import type { ScheduleEvent, ScheduleRecord } from './store.ts';

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class SqliteSchedules {
  readonly #db: SqliteDb;

  constructor(db: SqliteDb) {
    this.#db = db;
  }

  put(s: ScheduleRecord): void {
    const names = scheduleColumns.names;
    this.#db.run(
      `INSERT OR REPLACE INTO schedules (${names.join(', ')}) VALUES (${marks(names.length)})`,
      scheduleColumns.values(s),
    );
  }

  get(testId: string): ScheduleRecord | undefined {
    const row = this.#db.get('SELECT * FROM schedules WHERE test_id = ?', [testId]);
    return row && scheduleColumns.read(row);
  }

  list(): ScheduleRecord[] {
    return this.#db.all('SELECT * FROM schedules ORDER BY test_id').map((r) => scheduleColumns.read(r));
  }

  delete(testId: string): boolean {
    return this.#db.run('DELETE FROM schedules WHERE test_id = ?', [testId]) > 0;
  }

  due(at: string): ScheduleRecord[] {
    return this.#db
      .all('SELECT * FROM schedules WHERE next_run IS NOT NULL AND next_run <= ? ORDER BY next_run, test_id', [at])
      .map((r) => scheduleColumns.read(r));
  }

  next(): string | undefined {
    const row = this.#db.get('SELECT MIN(next_run) AS n FROM schedules WHERE next_run IS NOT NULL');
    return row?.n == null ? undefined : String(row.n);
  }

  claim(testId: string, firing: string, next: string | undefined, updatedAt: string): boolean {
    const sql = 'UPDATE schedules SET next_run = ?, updated_at = ? WHERE test_id = ? AND next_run = ?';
    return this.#db.run(sql, [next ?? null, updatedAt, testId, firing]) > 0;
  }

  addEvent(e: ScheduleEvent): void {
    const names = scheduleEventColumns.names;
    this.#db.run(
      `INSERT INTO schedule_events (${names.join(', ')}) VALUES (${marks(names.length)})`,
      scheduleEventColumns.values(e),
    );
  }

  events(testId: string, limit: number): ScheduleEvent[] {
    return this.#db
      .all('SELECT * FROM schedule_events WHERE test_id = ? ORDER BY at DESC, event_id DESC LIMIT ?', [testId, limit])
      .map((r) => scheduleEventColumns.read(r));
  }
}
