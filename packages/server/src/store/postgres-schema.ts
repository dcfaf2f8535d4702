/**
 * The PostgreSQL schema as versioned migrations, applied in order at open, each once, all in
 * one transaction under an advisory lock (so replicas starting together migrate once). The
 * tables and columns match the SQLite schema, so both stores share its column maps.
 */
import type { Migration } from './sqlite-schema.ts';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    // Keys and times sort bytewise (COLLATE "C") whatever the database's locale, as in SQLite.
    // Times stay ISO 8601 text as the records carry them, so they round-trip exactly.
    // JSON columns are `json`, not `jsonb`: the text is kept as written, key order included.
    sql: `
      CREATE TABLE tests (
        test_id text COLLATE "C" PRIMARY KEY, test_name text NOT NULL, test_description text NOT NULL,
        test_type text NOT NULL, file_type text NOT NULL, task_configs json NOT NULL, test_scenario json,
        show_live boolean NOT NULL, tags json NOT NULL, healthy_threshold integer NOT NULL, schedule json,
        script_key text, script_name text, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL
      );
      CREATE TABLE runs (
        run_id text COLLATE "C" PRIMARY KEY, test_id text COLLATE "C" NOT NULL, status text NOT NULL,
        -- true while the run is not terminal, NULL after: the unique index allows one active run per test
        active boolean, start_time text COLLATE "C" NOT NULL, end_time text, error_reason text,
        test_name text NOT NULL, test_description text NOT NULL, test_type text NOT NULL, file_type text NOT NULL,
        task_configs json NOT NULL, definition json, script_key text, script_name text, schedule_timezone text,
        start_at_ms double precision, start_spread_ms double precision, results json, summary json
      );
      CREATE UNIQUE INDEX runs_one_active ON runs (test_id) WHERE active;
      CREATE INDEX runs_by_test ON runs (test_id, start_time, run_id);
      CREATE TABLE tasks (
        task_id text COLLATE "C" PRIMARY KEY, run_id text COLLATE "C" NOT NULL, test_id text COLLATE "C" NOT NULL, region text NOT NULL,
        idx integer NOT NULL, concurrency integer NOT NULL, status text NOT NULL, agent_id text, ready_at text,
        started_at_ms double precision, ended_at text, clock_offset_ms double precision, rtt_ms double precision,
        result_stored boolean NOT NULL, interrupted boolean, error_reason text
      );
      CREATE INDEX tasks_by_run ON tasks (run_id, idx);
      CREATE INDEX tasks_by_test ON tasks (test_id);
      CREATE TABLE baselines (test_id text COLLATE "C" PRIMARY KEY, run_id text COLLATE "C" NOT NULL, set_at text NOT NULL);
      CREATE TABLE users (
        username text COLLATE "C" PRIMARY KEY, role text NOT NULL, password_hash text NOT NULL, created_at text NOT NULL
      );
      CREATE TABLE tokens (
        token_id text COLLATE "C" PRIMARY KEY, name text NOT NULL, role text NOT NULL, kind text NOT NULL,
        hash text NOT NULL UNIQUE, owner text NOT NULL, created_at text COLLATE "C" NOT NULL, expires_at text
      );
      CREATE INDEX tokens_by_owner ON tokens (owner);
    `,
  },
  {
    version: 2,
    // Schedules (as in SQLite): the next run is text compared bytewise, so a claim is one
    // guarded UPDATE that exactly one replica wins.
    sql: `
      CREATE TABLE schedules (
        test_id text COLLATE "C" PRIMARY KEY, next_run text COLLATE "C", updated_at text NOT NULL
      );
      CREATE INDEX schedules_by_next_run ON schedules (next_run);
      CREATE TABLE schedule_events (
        event_id text COLLATE "C" PRIMARY KEY, test_id text COLLATE "C" NOT NULL, firing text NOT NULL,
        at text COLLATE "C" NOT NULL, outcome text NOT NULL, run_id text, detail text
      );
      CREATE INDEX schedule_events_by_test ON schedule_events (test_id, at, event_id);
    `,
  },
];
