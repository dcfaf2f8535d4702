/**
 * The embedded default store: one SQLite file under the data folder (`node:sqlite`, no native
 * build). Calls are synchronous underneath and wrapped as promises to meet the Store interface;
 * a status change is one guarded UPDATE, so it is compare-and-set without a lock.
 */
import type { Columns, SqlValue } from './columns.ts';
import { isUniqueViolation, SqliteDb } from './sqlite-db.ts';
import { SqliteSchedules } from './sqlite-schedules.ts';
import {
  baselineColumns,
  runColumns,
  sqliteMigrations,
  taskColumns,
  testColumns,
  tokenColumns,
  userColumns,
} from './sqlite-schema.ts';
import {
  type Baseline,
  isTerminal,
  type Role,
  type RunPage,
  type RunPatch,
  type RunQuery,
  type RunRecord,
  type RunStatus,
  type ScheduleEvent,
  type ScheduleRecord,
  type Store,
  type TaskPatch,
  type TaskRecord,
  type TestListing,
  type TestRecord,
  type TokenRecord,
  type UserRecord,
} from './store.ts';

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function insertSql(table: string, names: readonly string[], verb = 'INSERT'): string {
  return `${verb} INTO ${table} (${names.join(', ')}) VALUES (${marks(names.length)})`;
}

/** `a = ?, b = ?` for the fields present in a patch, and their values. */
function setClause<R extends object>(cols: Columns<R>, patch: Partial<R>): [string, SqlValue[]] {
  const fields = cols.present(patch);
  return [fields.map((f) => `${cols.column(f)} = ?`).join(', '), cols.values(patch, fields)];
}

/** Opaque page cursor: the last run's start time and id. */
const cursorOf = (r: RunRecord) => Buffer.from(JSON.stringify([r.startTime, r.runId])).toString('base64url');

function readCursor(cursor: string): [string, string] | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string') ? [v[0], v[1]] : undefined;
  } catch {
    return undefined;
  }
}

export class SqliteStore implements Store {
  readonly #db: SqliteDb;
  readonly #schedules: SqliteSchedules;

  /** Opens the file (or `:memory:`), applying pending migrations. */
  constructor(path: string) {
    this.#db = new SqliteDb(path, sqliteMigrations);
    this.#schedules = new SqliteSchedules(this.#db);
  }

  async putTest(test: TestRecord): Promise<void> {
    this.#db.run(insertSql('tests', testColumns.names, 'INSERT OR REPLACE'), testColumns.values(test));
  }

  async getTest(testId: string): Promise<TestRecord | undefined> {
    const row = this.#db.get('SELECT * FROM tests WHERE test_id = ?', [testId]);
    return row && testColumns.read(row);
  }

  async listTests(tags: readonly string[] = []): Promise<TestListing[]> {
    const where =
      tags.length > 0 ? `WHERE EXISTS (SELECT 1 FROM json_each(t.tags) WHERE value IN (${marks(tags.length)}))` : '';
    const rows = this.#db.all(
      `SELECT t.*, (SELECT COUNT(*) FROM runs c WHERE c.test_id = t.test_id) AS total_runs,
         (SELECT r.run_id FROM runs r WHERE r.test_id = t.test_id ORDER BY r.start_time DESC, r.run_id DESC LIMIT 1) AS last_run_id
       FROM tests t ${where}`,
      tags,
    );
    const listings = await Promise.all(
      rows.map(async (row) => {
        const lastRun = row.last_run_id ? await this.getRun(String(row.last_run_id)) : undefined;
        return { test: testColumns.read(row), totalRuns: Number(row.total_runs), ...(lastRun ? { lastRun } : {}) };
      }),
    );
    const when = (l: TestListing) => l.lastRun?.startTime ?? l.test.createdAt;
    return listings.sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0));
  }

  async deleteTest(testId: string): Promise<boolean> {
    return this.#db.transaction(() => {
      for (const table of ['tasks', 'runs', 'baselines', 'schedules', 'schedule_events'])
        this.#db.run(`DELETE FROM ${table} WHERE test_id = ?`, [testId]);
      return this.#db.run('DELETE FROM tests WHERE test_id = ?', [testId]) > 0;
    });
  }

  async createRun(run: RunRecord): Promise<boolean> {
    const names = [...runColumns.names, 'active'];
    try {
      this.#db.run(insertSql('runs', names), [...runColumns.values(run), isTerminal(run.status) ? null : 1]);
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#db.get('SELECT * FROM runs WHERE run_id = ?', [runId]);
    return row && runColumns.read(row);
  }

  async latestRun(testId: string): Promise<RunRecord | undefined> {
    const row = this.#db.get('SELECT * FROM runs WHERE test_id = ? ORDER BY start_time DESC, run_id DESC LIMIT 1', [
      testId,
    ]);
    return row && runColumns.read(row);
  }

  async countRuns(testId: string): Promise<number> {
    return Number(this.#db.get('SELECT COUNT(*) AS n FROM runs WHERE test_id = ?', [testId])?.n ?? 0);
  }

  async listRuns(testId: string, query: RunQuery): Promise<RunPage> {
    const filters = ['test_id = ?'];
    const params: SqlValue[] = [testId];
    if (query.from !== undefined) {
      filters.push('start_time >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      filters.push('start_time <= ?');
      params.push(query.to);
    }
    const total = Number(this.#db.get(`SELECT COUNT(*) AS n FROM runs WHERE ${filters.join(' AND ')}`, params)?.n);
    const after = query.cursor === undefined ? undefined : readCursor(query.cursor);
    if (after !== undefined) {
      filters.push('(start_time < ? OR (start_time = ? AND run_id < ?))');
      params.push(after[0], after[0], after[1]);
    }
    const rows = this.#db.all(
      `SELECT * FROM runs WHERE ${filters.join(' AND ')} ORDER BY start_time DESC, run_id DESC LIMIT ?`,
      [...params, query.limit + 1],
    );
    const runs = rows.slice(0, query.limit).map((r) => runColumns.read(r));
    const more = rows.length > query.limit;
    return { runs, total, ...(more ? { nextCursor: cursorOf(runs[runs.length - 1]) } : {}) };
  }

  async activeRuns(): Promise<RunRecord[]> {
    return this.#db.all('SELECT * FROM runs WHERE active = 1 ORDER BY start_time').map((r) => runColumns.read(r));
  }

  async transitionRun(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    patch: RunPatch = {},
  ): Promise<boolean> {
    const movable = from.filter((s) => !isTerminal(s));
    if (movable.length === 0) return false;
    const [set, values] = setClause<RunRecord>(runColumns, patch);
    const sql = `UPDATE runs SET status = ?, active = ?${set ? `, ${set}` : ''} WHERE run_id = ? AND status IN (${marks(movable.length)})`;
    return this.#db.run(sql, [to, isTerminal(to) ? null : 1, ...values, runId, ...movable]) > 0;
  }

  async patchRun(runId: string, patch: RunPatch): Promise<boolean> {
    const [set, values] = setClause<RunRecord>(runColumns, patch);
    if (!set) return (await this.getRun(runId)) !== undefined;
    return this.#db.run(`UPDATE runs SET ${set} WHERE run_id = ?`, [...values, runId]) > 0;
  }

  async deleteRuns(testId: string, runIds: readonly string[]): Promise<number> {
    if (runIds.length === 0) return 0;
    return this.#db.transaction(() => {
      const ids = marks(runIds.length);
      this.#db.run(`DELETE FROM tasks WHERE test_id = ? AND run_id IN (${ids})`, [testId, ...runIds]);
      return this.#db.run(`DELETE FROM runs WHERE test_id = ? AND run_id IN (${ids})`, [testId, ...runIds]);
    });
  }

  async putTasks(tasks: readonly TaskRecord[]): Promise<void> {
    const sql = insertSql('tasks', taskColumns.names, 'INSERT OR REPLACE');
    this.#db.transaction(() => {
      for (const t of tasks) this.#db.run(sql, taskColumns.values(t));
    });
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    const row = this.#db.get('SELECT * FROM tasks WHERE task_id = ?', [taskId]);
    return row && taskColumns.read(row);
  }

  async listTasks(runId: string): Promise<TaskRecord[]> {
    return this.#db.all('SELECT * FROM tasks WHERE run_id = ? ORDER BY idx', [runId]).map((r) => taskColumns.read(r));
  }

  async patchTask(taskId: string, patch: TaskPatch): Promise<boolean> {
    const [set, values] = setClause<TaskRecord>(taskColumns, patch);
    if (!set) return (await this.getTask(taskId)) !== undefined;
    return this.#db.run(`UPDATE tasks SET ${set} WHERE task_id = ?`, [...values, taskId]) > 0;
  }

  async markResultStored(taskId: string, patch: TaskPatch): Promise<boolean> {
    const [set, values] = setClause<TaskRecord>(taskColumns, patch);
    const sql = `UPDATE tasks SET result_stored = 1${set ? `, ${set}` : ''} WHERE task_id = ? AND result_stored = 0`;
    return this.#db.run(sql, [...values, taskId]) > 0;
  }

  async setBaseline(testId: string, runId: string): Promise<Baseline | undefined> {
    const b: Baseline = { testId, runId, setAt: new Date().toISOString() };
    this.#db.run(insertSql('baselines', baselineColumns.names, 'INSERT OR REPLACE'), baselineColumns.values(b));
    return b;
  }

  async getBaseline(testId: string): Promise<Baseline | undefined> {
    const row = this.#db.get('SELECT * FROM baselines WHERE test_id = ?', [testId]);
    return row && baselineColumns.read(row);
  }

  async clearBaseline(testId: string): Promise<boolean> {
    return this.#db.run('DELETE FROM baselines WHERE test_id = ?', [testId]) > 0;
  }

  async putSchedule(schedule: ScheduleRecord): Promise<void> {
    this.#schedules.put(schedule);
  }

  async getSchedule(testId: string): Promise<ScheduleRecord | undefined> {
    return this.#schedules.get(testId);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return this.#schedules.list();
  }

  async deleteSchedule(testId: string): Promise<boolean> {
    return this.#schedules.delete(testId);
  }

  async dueSchedules(at: string): Promise<ScheduleRecord[]> {
    return this.#schedules.due(at);
  }

  async nextScheduledRun(): Promise<string | undefined> {
    return this.#schedules.next();
  }

  async claimFiring(testId: string, firing: string, next: string | undefined, updatedAt: string): Promise<boolean> {
    return this.#schedules.claim(testId, firing, next, updatedAt);
  }

  async addScheduleEvent(event: ScheduleEvent): Promise<void> {
    this.#schedules.addEvent(event);
  }

  async listScheduleEvents(testId: string, limit: number): Promise<ScheduleEvent[]> {
    return this.#schedules.events(testId, limit);
  }

  async createUser(user: UserRecord): Promise<boolean> {
    try {
      this.#db.run(insertSql('users', userColumns.names), userColumns.values(user));
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    const row = this.#db.get('SELECT * FROM users WHERE username = ?', [username]);
    return row && userColumns.read(row);
  }

  async countUsers(): Promise<number> {
    return Number(this.#db.get('SELECT COUNT(*) AS n FROM users')?.n ?? 0);
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.#db.all('SELECT * FROM users ORDER BY username').map((r) => userColumns.read(r));
  }

  async setUserRole(username: string, role: Role): Promise<boolean> {
    return this.#db.run('UPDATE users SET role = ? WHERE username = ?', [role, username]) > 0;
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.#db.run(insertSql('tokens', tokenColumns.names), tokenColumns.values(token));
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    const row = this.#db.get('SELECT * FROM tokens WHERE hash = ?', [hash]);
    return row && tokenColumns.read(row);
  }

  async listTokens(owner: string): Promise<TokenRecord[]> {
    return this.#db
      .all('SELECT * FROM tokens WHERE owner = ? ORDER BY created_at, token_id', [owner])
      .map((r) => tokenColumns.read(r));
  }

  async deleteToken(tokenId: string): Promise<boolean> {
    return this.#db.run('DELETE FROM tokens WHERE token_id = ?', [tokenId]) > 0;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
