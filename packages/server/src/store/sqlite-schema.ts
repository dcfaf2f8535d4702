/**
 * The SQLite schema as versioned migrations (applied in order at open, each once, each in a
 * transaction) and the column maps of its tables. A migration is never edited once released:
 * a change is a new version.
 */
import { Columns } from './columns.ts';
import type {
  Baseline,
  RunRecord,
  ScheduleEvent,
  ScheduleRecord,
  TaskRecord,
  TestRecord,
  TokenRecord,
  UserRecord,
} from './store.ts';

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE tests (
        test_id TEXT PRIMARY KEY, test_name TEXT NOT NULL, test_description TEXT NOT NULL,
        test_type TEXT NOT NULL, file_type TEXT NOT NULL, task_configs TEXT NOT NULL, test_scenario TEXT,
        show_live INTEGER NOT NULL, tags TEXT NOT NULL, healthy_threshold INTEGER NOT NULL, schedule TEXT,
        script_key TEXT, script_name TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY, test_id TEXT NOT NULL, status TEXT NOT NULL,
        -- 1 while the run is not terminal, NULL after: the unique index allows one active run per test
        active INTEGER, start_time TEXT NOT NULL, end_time TEXT, error_reason TEXT,
        test_name TEXT NOT NULL, test_description TEXT NOT NULL, test_type TEXT NOT NULL, file_type TEXT NOT NULL,
        task_configs TEXT NOT NULL, definition TEXT, script_key TEXT, script_name TEXT, schedule_timezone TEXT,
        start_at_ms REAL, start_spread_ms REAL, results TEXT, summary TEXT
      );
      CREATE UNIQUE INDEX runs_one_active ON runs (test_id) WHERE active = 1;
      CREATE INDEX runs_by_test ON runs (test_id, start_time, run_id);
      CREATE TABLE tasks (
        task_id TEXT PRIMARY KEY, run_id TEXT NOT NULL, test_id TEXT NOT NULL, region TEXT NOT NULL,
        idx INTEGER NOT NULL, concurrency INTEGER NOT NULL, status TEXT NOT NULL, agent_id TEXT, ready_at TEXT,
        started_at_ms REAL, ended_at TEXT, clock_offset_ms REAL, rtt_ms REAL, result_stored INTEGER NOT NULL,
        interrupted INTEGER, error_reason TEXT
      );
      CREATE INDEX tasks_by_run ON tasks (run_id, idx);
      CREATE TABLE baselines (test_id TEXT PRIMARY KEY, run_id TEXT NOT NULL, set_at TEXT NOT NULL);
      CREATE TABLE users (
        username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL
      );
      CREATE TABLE tokens (
        token_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE, owner TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT
      );
      CREATE INDEX tokens_by_owner ON tokens (owner);
    `,
  },
  {
    version: 2,
    // Schedules: when each scheduled test fires next (claimed by compare-and-set), and the
    // history of its firings, skipped ones included.
    sql: `
      CREATE TABLE schedules (test_id TEXT PRIMARY KEY, next_run TEXT, updated_at TEXT NOT NULL);
      CREATE INDEX schedules_by_next_run ON schedules (next_run);
      CREATE TABLE schedule_events (
        event_id TEXT PRIMARY KEY, test_id TEXT NOT NULL, firing TEXT NOT NULL, at TEXT NOT NULL,
        outcome TEXT NOT NULL, run_id TEXT, detail TEXT
      );
      CREATE INDEX schedule_events_by_test ON schedule_events (test_id, at, event_id);
    `,
  },
];

export const testColumns = new Columns<TestRecord>({
  testId: ['test_id', 'text'],
  testName: ['test_name', 'text'],
  testDescription: ['test_description', 'text'],
  testType: ['test_type', 'text'],
  fileType: ['file_type', 'text'],
  testTaskConfigs: ['task_configs', 'json'],
  testScenario: ['test_scenario', 'json'],
  showLive: ['show_live', 'flag'],
  tags: ['tags', 'json'],
  healthyThreshold: ['healthy_threshold', 'number'],
  schedule: ['schedule', 'json'],
  scriptKey: ['script_key', 'text'],
  scriptName: ['script_name', 'text'],
  createdAt: ['created_at', 'text'],
  updatedAt: ['updated_at', 'text'],
});

export const runColumns = new Columns<RunRecord>({
  runId: ['run_id', 'text'],
  testId: ['test_id', 'text'],
  status: ['status', 'text'],
  startTime: ['start_time', 'text'],
  endTime: ['end_time', 'text'],
  errorReason: ['error_reason', 'text'],
  testName: ['test_name', 'text'],
  testDescription: ['test_description', 'text'],
  testType: ['test_type', 'text'],
  fileType: ['file_type', 'text'],
  taskConfigs: ['task_configs', 'json'],
  definition: ['definition', 'json'],
  scriptKey: ['script_key', 'text'],
  scriptName: ['script_name', 'text'],
  scheduleTimezone: ['schedule_timezone', 'text'],
  startAtMs: ['start_at_ms', 'number'],
  startSpreadMs: ['start_spread_ms', 'number'],
  results: ['results', 'json'],
  summary: ['summary', 'json'],
});

export const taskColumns = new Columns<TaskRecord>({
  taskId: ['task_id', 'text'],
  runId: ['run_id', 'text'],
  testId: ['test_id', 'text'],
  region: ['region', 'text'],
  index: ['idx', 'number'],
  concurrency: ['concurrency', 'number'],
  status: ['status', 'text'],
  agentId: ['agent_id', 'text'],
  readyAt: ['ready_at', 'text'],
  startedAtMs: ['started_at_ms', 'number'],
  endedAt: ['ended_at', 'text'],
  clockOffsetMs: ['clock_offset_ms', 'number'],
  rttMs: ['rtt_ms', 'number'],
  resultStored: ['result_stored', 'flag'],
  interrupted: ['interrupted', 'flag'],
  errorReason: ['error_reason', 'text'],
});

export const baselineColumns = new Columns<Baseline>({
  testId: ['test_id', 'text'],
  runId: ['run_id', 'text'],
  setAt: ['set_at', 'text'],
});

export const userColumns = new Columns<UserRecord>({
  username: ['username', 'text'],
  role: ['role', 'text'],
  passwordHash: ['password_hash', 'text'],
  createdAt: ['created_at', 'text'],
});

export const tokenColumns = new Columns<TokenRecord>({
  tokenId: ['token_id', 'text'],
  name: ['name', 'text'],
  role: ['role', 'text'],
  kind: ['kind', 'text'],
  hash: ['hash', 'text'],
  owner: ['owner', 'text'],
  createdAt: ['created_at', 'text'],
  expiresAt: ['expires_at', 'text'],
});

export const scheduleColumns = new Columns<ScheduleRecord>({
  testId: ['test_id', 'text'],
  nextRun: ['next_run', 'text'],
  updatedAt: ['updated_at', 'text'],
});

export const scheduleEventColumns = new Columns<ScheduleEvent>({
  eventId: ['event_id', 'text'],
  testId: ['test_id', 'text'],
  firing: ['firing', 'text'],
  at: ['at', 'text'],
  outcome: ['outcome', 'text'],
  runId: ['run_id', 'text'],
  detail: ['detail', 'text'],
});
