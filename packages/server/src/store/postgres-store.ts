/**
 * The store at scale: PostgreSQL (`DLT_DATABASE_URL`), shared by any number of server replicas.
 * Same tables and column maps as the SQLite store; a status change is one guarded UPDATE
 * (compare-and-set without a lock) and one active run per test is a partial unique index, so
 * two replicas racing for the same run or test cannot both win.
 */
import type { Columns } from './columns.ts';
import { isUniqueViolation, PgDb, type PgOptions, type PgParam, type PgQueryable } from './postgres-db.ts';
import { PgSchedules } from './postgres-schedules.ts';
import { postgresMigrations } from './postgres-schema.ts';
import { Params, upsert } from './postgres-sql.ts';
import { readRunCursor, runCursor } from './run-cursor.ts';
import { baselineColumns, runColumns, taskColumns, testColumns, tokenColumns, userColumns } from './sqlite-schema.ts';
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

/** Rows per INSERT of tasks: far below PostgreSQL's 65,535 parameters per statement. */
const taskBatch = 500;

export class PostgresStore implements Store {
  readonly #db: PgDb;
  readonly #schedules: PgSchedules;

  private constructor(db: PgDb) {
    this.#db = db;
    this.#schedules = new PgSchedules(db);
  }

  /** Connects to `url` and applies pending migrations. */
  static async open(url: string, options: PgOptions = {}): Promise<PostgresStore> {
    return new PostgresStore(await PgDb.open(url, postgresMigrations, options));
  }

  async #one<R extends object>(cols: Columns<R>, sql: string, params: readonly PgParam[]): Promise<R | undefined> {
    const row = (await this.#db.query(sql, params)).rows[0];
    return row && cols.read(row);
  }

  async #all<R extends object>(cols: Columns<R>, sql: string, params: readonly PgParam[] = []): Promise<R[]> {
    return (await this.#db.query(sql, params)).rows.map((r) => cols.read(r));
  }

  async #count(sql: string, params: readonly PgParam[]): Promise<number> {
    return Number((await this.#db.query(sql, params)).rows[0]?.n ?? 0);
  }

  async putTest(test: TestRecord): Promise<void> {
    await this.#db.query(...upsert('tests', testColumns.names, 'test_id', [testColumns.values(test)]));
  }

  async getTest(testId: string): Promise<TestRecord | undefined> {
    return this.#one(testColumns, 'SELECT * FROM tests WHERE test_id = $1', [testId]);
  }

  async listTests(tags: readonly string[] = []): Promise<TestListing[]> {
    const where =
      tags.length > 0
        ? 'WHERE EXISTS (SELECT 1 FROM json_array_elements_text(t.tags) AS tag(v) WHERE tag.v = ANY($1::text[]))'
        : '';
    const { rows } = await this.#db.query(
      `SELECT t.*, (SELECT COUNT(*) FROM runs c WHERE c.test_id = t.test_id) AS total_runs,
         (SELECT r.run_id FROM runs r WHERE r.test_id = t.test_id ORDER BY r.start_time DESC, r.run_id DESC LIMIT 1) AS last_run_id
       FROM tests t ${where}`,
      tags.length > 0 ? [tags] : [],
    );
    const lastIds = rows.flatMap((r) => (r.last_run_id ? [String(r.last_run_id)] : []));
    const lastRuns = await this.#db.query('SELECT * FROM runs WHERE run_id = ANY($1::text[])', [lastIds]);
    const byId = new Map(lastRuns.rows.map((r) => [String(r.run_id), runColumns.read(r)]));
    const listings: TestListing[] = rows.map((row) => {
      const lastRun = row.last_run_id ? byId.get(String(row.last_run_id)) : undefined;
      return { test: testColumns.read(row), totalRuns: Number(row.total_runs), ...(lastRun ? { lastRun } : {}) };
    });
    const when = (l: TestListing) => l.lastRun?.startTime ?? l.test.createdAt;
    return listings.sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0));
  }

  async deleteTest(testId: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      for (const table of ['tasks', 'runs', 'baselines', 'schedules', 'schedule_events'])
        await q.query(`DELETE FROM ${table} WHERE test_id = $1`, [testId]);
      return (await q.query('DELETE FROM tests WHERE test_id = $1', [testId])).rowCount > 0;
    });
  }

  async createRun(run: RunRecord): Promise<boolean> {
    const p = new Params();
    const values = p.row([...runColumns.values(run), isTerminal(run.status) ? null : 1]);
    try {
      await this.#db.query(
        `INSERT INTO runs (${[...runColumns.names, 'active'].join(', ')}) VALUES ${values}`,
        p.values,
      );
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return this.#one(runColumns, 'SELECT * FROM runs WHERE run_id = $1', [runId]);
  }

  async latestRun(testId: string): Promise<RunRecord | undefined> {
    const sql = 'SELECT * FROM runs WHERE test_id = $1 ORDER BY start_time DESC, run_id DESC LIMIT 1';
    return this.#one(runColumns, sql, [testId]);
  }

  async countRuns(testId: string): Promise<number> {
    return this.#count('SELECT COUNT(*) AS n FROM runs WHERE test_id = $1', [testId]);
  }

  async listRuns(testId: string, query: RunQuery): Promise<RunPage> {
    const p = new Params();
    const filters = [`test_id = ${p.add(testId)}`];
    if (query.from !== undefined) filters.push(`start_time >= ${p.add(query.from)}`);
    if (query.to !== undefined) filters.push(`start_time <= ${p.add(query.to)}`);
    const total = await this.#count(`SELECT COUNT(*) AS n FROM runs WHERE ${filters.join(' AND ')}`, [...p.values]);
    const after = query.cursor === undefined ? undefined : readRunCursor(query.cursor);
    if (after !== undefined) filters.push(`(start_time, run_id) < (${p.add(after[0])}, ${p.add(after[1])})`);
    const sql = `SELECT * FROM runs WHERE ${filters.join(' AND ')} ORDER BY start_time DESC, run_id DESC LIMIT ${p.add(query.limit + 1)}`;
    const rows = await this.#all(runColumns, sql, p.values);
    const runs = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return { runs, total, ...(more ? { nextCursor: runCursor(runs[runs.length - 1]) } : {}) };
  }

  async activeRuns(): Promise<RunRecord[]> {
    return this.#all(runColumns, 'SELECT * FROM runs WHERE active ORDER BY start_time, run_id');
  }

  async transitionRun(
    runId: string,
    from: readonly RunStatus[],
    to: RunStatus,
    patch: RunPatch = {},
  ): Promise<boolean> {
    const movable = from.filter((s) => !isTerminal(s));
    if (movable.length === 0) return false;
    const p = new Params();
    const head = `status = ${p.add(to)}, active = ${p.add(isTerminal(to) ? null : 1)}`;
    const set = p.set<RunRecord>(runColumns, patch);
    const sql = `UPDATE runs SET ${head}${set ? `, ${set}` : ''} WHERE run_id = ${p.add(runId)} AND status = ANY(${p.add(movable)}::text[])`;
    return (await this.#db.query(sql, p.values)).rowCount > 0;
  }

  async patchRun(runId: string, patch: RunPatch): Promise<boolean> {
    const p = new Params();
    const set = p.set<RunRecord>(runColumns, patch);
    if (!set) return (await this.getRun(runId)) !== undefined;
    return (await this.#db.query(`UPDATE runs SET ${set} WHERE run_id = ${p.add(runId)}`, p.values)).rowCount > 0;
  }

  async deleteRuns(testId: string, runIds: readonly string[]): Promise<number> {
    if (runIds.length === 0) return 0;
    return this.#db.transaction(async (q) => {
      const where = 'WHERE test_id = $1 AND run_id = ANY($2::text[])';
      await q.query(`DELETE FROM tasks ${where}`, [testId, runIds]);
      return (await q.query(`DELETE FROM runs ${where}`, [testId, runIds])).rowCount;
    });
  }

  async putTasks(tasks: readonly TaskRecord[]): Promise<void> {
    // One statement may not touch a row twice: a task given twice keeps its last version.
    const unique = [...new Map(tasks.map((t) => [t.taskId, t])).values()];
    if (unique.length === 0) return;
    await this.#db.transaction(async (q: PgQueryable) => {
      for (let i = 0; i < unique.length; i += taskBatch) {
        const rows = unique.slice(i, i + taskBatch).map((t) => taskColumns.values(t));
        await q.query(...upsert('tasks', taskColumns.names, 'task_id', rows));
      }
    });
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    return this.#one(taskColumns, 'SELECT * FROM tasks WHERE task_id = $1', [taskId]);
  }

  async listTasks(runId: string): Promise<TaskRecord[]> {
    return this.#all(taskColumns, 'SELECT * FROM tasks WHERE run_id = $1 ORDER BY idx', [runId]);
  }

  async patchTask(taskId: string, patch: TaskPatch): Promise<boolean> {
    const p = new Params();
    const set = p.set<TaskRecord>(taskColumns, patch);
    if (!set) return (await this.getTask(taskId)) !== undefined;
    return (await this.#db.query(`UPDATE tasks SET ${set} WHERE task_id = ${p.add(taskId)}`, p.values)).rowCount > 0;
  }

  async markResultStored(taskId: string, patch: TaskPatch): Promise<boolean> {
    const p = new Params();
    const set = p.set<TaskRecord>(taskColumns, patch);
    const sql = `UPDATE tasks SET result_stored = true${set ? `, ${set}` : ''} WHERE task_id = ${p.add(taskId)} AND NOT result_stored`;
    return (await this.#db.query(sql, p.values)).rowCount > 0;
  }

  async setBaseline(testId: string, runId: string): Promise<Baseline | undefined> {
    const b: Baseline = { testId, runId, setAt: new Date().toISOString() };
    await this.#db.query(...upsert('baselines', baselineColumns.names, 'test_id', [baselineColumns.values(b)]));
    return b;
  }

  async getBaseline(testId: string): Promise<Baseline | undefined> {
    return this.#one(baselineColumns, 'SELECT * FROM baselines WHERE test_id = $1', [testId]);
  }

  async clearBaseline(testId: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM baselines WHERE test_id = $1', [testId])).rowCount > 0;
  }

  async putSchedule(schedule: ScheduleRecord): Promise<void> {
    await this.#schedules.put(schedule);
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
    await this.#schedules.addEvent(event);
  }

  async listScheduleEvents(testId: string, limit: number): Promise<ScheduleEvent[]> {
    return this.#schedules.events(testId, limit);
  }

  async createUser(user: UserRecord): Promise<boolean> {
    const p = new Params();
    const sql = `INSERT INTO users (${userColumns.names.join(', ')}) VALUES ${p.row(userColumns.values(user))}`;
    try {
      await this.#db.query(sql, p.values);
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    return this.#one(userColumns, 'SELECT * FROM users WHERE username = $1', [username]);
  }

  async countUsers(): Promise<number> {
    return this.#count('SELECT COUNT(*) AS n FROM users', []);
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.#all(userColumns, 'SELECT * FROM users ORDER BY username');
  }

  async setUserRole(username: string, role: Role): Promise<boolean> {
    return (await this.#db.query('UPDATE users SET role = $1 WHERE username = $2', [role, username])).rowCount > 0;
  }

  async createToken(token: TokenRecord): Promise<void> {
    const p = new Params();
    const sql = `INSERT INTO tokens (${tokenColumns.names.join(', ')}) VALUES ${p.row(tokenColumns.values(token))}`;
    await this.#db.query(sql, p.values);
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    return this.#one(tokenColumns, 'SELECT * FROM tokens WHERE hash = $1', [hash]);
  }

  async listTokens(owner: string): Promise<TokenRecord[]> {
    return this.#all(tokenColumns, 'SELECT * FROM tokens WHERE owner = $1 ORDER BY created_at, token_id', [owner]);
  }

  async deleteToken(tokenId: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM tokens WHERE token_id = $1', [tokenId])).rowCount > 0;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
