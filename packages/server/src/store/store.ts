/**
 * The store: every record the server keeps (tests, runs, tasks, baselines, users, tokens),
 * behind one interface so SQLite (the embedded default) and PostgreSQL can be swapped. Every
 * method is async (a network database needs it) and every implementation passes
 * `store.contract.ts`. Field names follow the seed's where the seed has the field.
 */

/** Statuses a run moves through, as the seed names them. */
export const runStatuses = [
  'queued',
  'provisioning',
  'running',
  'cancelling',
  'parsing results',
  'complete',
  'cancelled',
  'failed',
] as const;
export type RunStatus = (typeof runStatuses)[number];

/** A run in one of these never changes status again (the first writer wins). */
export const terminalStatuses = ['complete', 'cancelled', 'failed'] as const satisfies readonly RunStatus[];
export type TerminalStatus = (typeof terminalStatuses)[number];

/** Statuses a run can still leave. */
export const activeStatuses = runStatuses.filter((s) => !isTerminal(s)) as readonly RunStatus[];

export function isTerminal(status: string): status is TerminalStatus {
  return (terminalStatuses as readonly string[]).includes(status);
}

/** A test's status as the API shows it: its last run's, or `created` / `scheduled` before any run. */
export const testStatuses = ['created', 'scheduled', ...runStatuses] as const;
export type TestStatus = (typeof testStatuses)[number];

export const testTypes = ['simple', 'jmeter', 'k6', 'locust'] as const;
export type TestType = (typeof testTypes)[number];

export const fileTypes = ['none', 'script', 'zip'] as const;
export type FileType = (typeof fileTypes)[number];

/** The seed's `testTaskConfigs[]` entry: how many tasks run in a region, each with `concurrency` VUs. */
export interface TaskConfig {
  readonly region: string;
  readonly taskCount: number;
  readonly concurrency: number;
  /** Too few free agent slots in the region: wait for them (the default) or fail the run at once. */
  readonly capacity?: 'wait' | 'fail';
}

/** The seed's schedule fields as posted (checked by the scheduler's `parseSchedule`). */
export interface ScheduleFields {
  readonly scheduleStep?: string;
  readonly scheduleDate?: string;
  readonly scheduleTime?: string;
  readonly recurrence?: string;
  readonly cronValue?: string;
  readonly cronExpiryDate?: string;
  readonly scheduleTimezone?: string;
  /** dlt's own: what a firing missed while no server ran does (`skip`, the default, or `run-once`). */
  readonly scheduleMissed?: string;
}

/** A stored test definition (the seed's scenario item, without the run state). */
export interface TestRecord {
  readonly testId: string;
  readonly testName: string;
  readonly testDescription: string;
  readonly testType: TestType;
  readonly fileType: FileType;
  readonly testTaskConfigs: readonly TaskConfig[];
  /** The seed's `testScenario` as posted (`execution`, `scenarios`, …). */
  readonly testScenario: unknown;
  readonly showLive: boolean;
  readonly tags: readonly string[];
  readonly healthyThreshold: number;
  readonly schedule?: ScheduleFields;
  /** Artifact key of the uploaded script or zip. */
  readonly scriptKey?: string;
  /** Name of the uploaded file, e.g. `test.jmx`. */
  readonly scriptName?: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One execution of a test, with the definition and task configs it ran with. */
export interface RunRecord {
  /** The seed's `testRunId`. */
  readonly runId: string;
  readonly testId: string;
  readonly status: RunStatus;
  /** When the run was queued (the seed's `startTime`), ISO 8601. */
  readonly startTime: string;
  /** When it reached a terminal status. */
  readonly endTime?: string;
  readonly errorReason?: string;
  readonly testName: string;
  readonly testDescription: string;
  readonly testType: TestType;
  readonly fileType: FileType;
  readonly taskConfigs: readonly TaskConfig[];
  readonly definition: unknown;
  readonly scriptKey?: string;
  readonly scriptName?: string;
  readonly scheduleTimezone?: string;
  /** The one start instant sent to every task (server clock, epoch ms). */
  readonly startAtMs?: number;
  /** Latest actual task start minus the earliest, ms. */
  readonly startSpreadMs?: number;
  /** The seed's `results`: `{ total: R, <region>: R }`. */
  readonly results?: unknown;
  /** dlt's own summary (RunSummary plus regions and timeline). */
  readonly summary?: unknown;
}

/** Fields of a run that change without a status change. */
export type RunPatch = Partial<
  Pick<RunRecord, 'endTime' | 'errorReason' | 'startAtMs' | 'startSpreadMs' | 'results' | 'summary'>
>;

export const taskStatuses = ['pending', 'assigned', 'ready', 'running', 'done', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/** One share of a run, executed by one agent. */
export interface TaskRecord {
  readonly taskId: string;
  readonly runId: string;
  readonly testId: string;
  readonly region: string;
  /** Share index over every task of the run (all regions), 0-based. */
  readonly index: number;
  readonly concurrency: number;
  readonly status: TaskStatus;
  readonly agentId?: string;
  readonly readyAt?: string;
  /** The task's actual start, converted to the server's clock, epoch ms. */
  readonly startedAtMs?: number;
  readonly endedAt?: string;
  /** Agent clock − server clock, ms, from the lowest-RTT sample. */
  readonly clockOffsetMs?: number;
  readonly rttMs?: number;
  /** Its result upload is stored (artifacts key `runs/{runId}/tasks/{taskId}.json`). */
  readonly resultStored: boolean;
  readonly interrupted?: boolean;
  readonly errorReason?: string;
}

export type TaskPatch = Partial<Omit<TaskRecord, 'taskId' | 'runId' | 'testId' | 'region' | 'index' | 'resultStored'>>;

export const roles = ['admin', 'editor', 'viewer', 'agent'] as const;
export type Role = (typeof roles)[number];

export interface UserRecord {
  readonly username: string;
  readonly role: Role;
  /** `scrypt$N$r$p$salt$hash`, base64 parts. */
  readonly passwordHash: string;
  readonly createdAt: string;
}

export const tokenKinds = ['session', 'api'] as const;
export type TokenKind = (typeof tokenKinds)[number];

export interface TokenRecord {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
  readonly kind: TokenKind;
  /** sha-256 of the secret, hex; the secret itself is never stored. */
  readonly hash: string;
  /** The user who made it. */
  readonly owner: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
}

export interface Baseline {
  readonly testId: string;
  readonly runId: string;
  readonly setAt: string;
}

/** When a test's schedule fires next, as the scheduler keeps it (one row per scheduled test). */
export interface ScheduleRecord {
  readonly testId: string;
  /** ISO 8601; absent once the schedule will not fire again. */
  readonly nextRun?: string;
  readonly updatedAt: string;
}

/** What became of one firing: a run started, or why none did. */
export const scheduleOutcomes = ['started', 'missed', 'overlap', 'failed'] as const;
export type ScheduleOutcome = (typeof scheduleOutcomes)[number];

/** One firing of a schedule and what became of it (the schedule's history). */
export interface ScheduleEvent {
  readonly eventId: string;
  readonly testId: string;
  /** The time it was due, ISO 8601. */
  readonly firing: string;
  /** When the scheduler acted on it. */
  readonly at: string;
  readonly outcome: ScheduleOutcome;
  readonly runId?: string;
  readonly detail?: string;
}

/** A test with what the list shows of its runs. */
export interface TestListing {
  readonly test: TestRecord;
  readonly lastRun?: RunRecord;
  readonly totalRuns: number;
}

export interface RunQuery {
  /** 1–100. */
  readonly limit: number;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string;
  /** Inclusive bounds on `startTime`, ISO 8601. */
  readonly from?: string;
  readonly to?: string;
}

export interface RunPage {
  /** Newest first. */
  readonly runs: readonly RunRecord[];
  readonly nextCursor?: string;
  /** Runs matching the time filters, over all pages. */
  readonly total: number;
}

/** Everything the server persists. */
export interface Store {
  // tests
  /** Inserts or replaces a test (keyed by `testId`). */
  putTest(test: TestRecord): Promise<void>;
  getTest(testId: string): Promise<TestRecord | undefined>;
  /** Tests whose tags include any of `tags` (all when empty), newest last run first. */
  listTests(tags?: readonly string[]): Promise<TestListing[]>;
  /** Deletes a test with its runs, tasks, baseline and schedule; false when it did not exist. */
  deleteTest(testId: string): Promise<boolean>;

  // runs
  /** Inserts a run unless the test already has a non-terminal run; false then. */
  createRun(run: RunRecord): Promise<boolean>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  latestRun(testId: string): Promise<RunRecord | undefined>;
  countRuns(testId: string): Promise<number>;
  listRuns(testId: string, query: RunQuery): Promise<RunPage>;
  /** Every run not yet in a terminal status (for restarts and `GET /api/tasks`). */
  activeRuns(): Promise<RunRecord[]>;
  /**
   * Moves a run to `to` only if its status is one of `from` (compare-and-set); terminal
   * statuses never change. Returns whether it moved.
   */
  transitionRun(runId: string, from: readonly RunStatus[], to: RunStatus, patch?: RunPatch): Promise<boolean>;
  /** Changes non-status fields; false when the run does not exist. */
  patchRun(runId: string, patch: RunPatch): Promise<boolean>;
  /** Deletes runs of a test (with their tasks); returns how many went. */
  deleteRuns(testId: string, runIds: readonly string[]): Promise<number>;

  // tasks
  putTasks(tasks: readonly TaskRecord[]): Promise<void>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  listTasks(runId: string): Promise<TaskRecord[]>;
  patchTask(taskId: string, patch: TaskPatch): Promise<boolean>;
  /** Marks a task's result stored, once: true the first time, false if it already was. */
  markResultStored(taskId: string, patch: TaskPatch): Promise<boolean>;

  // baselines
  setBaseline(testId: string, runId: string): Promise<Baseline | undefined>;
  getBaseline(testId: string): Promise<Baseline | undefined>;
  clearBaseline(testId: string): Promise<boolean>;

  // schedules
  /** Inserts or replaces a test's schedule state. */
  putSchedule(schedule: ScheduleRecord): Promise<void>;
  getSchedule(testId: string): Promise<ScheduleRecord | undefined>;
  listSchedules(): Promise<ScheduleRecord[]>;
  /** Removes a schedule (its history stays until the test goes); false when there was none. */
  deleteSchedule(testId: string): Promise<boolean>;
  /** Schedules whose next run is at or before `at` (ISO), earliest first. */
  dueSchedules(at: string): Promise<ScheduleRecord[]>;
  /** The earliest next run of any schedule. */
  nextScheduledRun(): Promise<string | undefined>;
  /**
   * Claims the firing of a schedule due at `firing` by moving its next run to `next` (absent:
   * no more firings) only if it is still `firing` (compare-and-set): of several servers on one
   * database exactly one gets true.
   */
  claimFiring(testId: string, firing: string, next: string | undefined, updatedAt: string): Promise<boolean>;
  addScheduleEvent(event: ScheduleEvent): Promise<void>;
  /** A test's schedule events, newest first. */
  listScheduleEvents(testId: string, limit: number): Promise<ScheduleEvent[]>;

  // users and tokens
  /** False when the username is taken. */
  createUser(user: UserRecord): Promise<boolean>;
  getUser(username: string): Promise<UserRecord | undefined>;
  countUsers(): Promise<number>;
  /** Every user, by name (the password hashes too: callers strip them). */
  listUsers(): Promise<UserRecord[]>;
  /** False when there is no such user. */
  setUserRole(username: string, role: Role): Promise<boolean>;
  createToken(token: TokenRecord): Promise<void>;
  findToken(hash: string): Promise<TokenRecord | undefined>;
  listTokens(owner: string): Promise<TokenRecord[]>;
  deleteToken(tokenId: string): Promise<boolean>;

  close(): Promise<void>;
}
