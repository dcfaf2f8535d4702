/**
 * The request and response bodies of the REST API, with the seed's field names (a client
 * written for "Distributed Load Testing on AWS" sends and reads the same). Fields the server may
 * add stay readable through the index signatures; what a caller relies on is named.
 */
import type { RunSummary, Snapshot } from '@dlt/model';

/** The seed's statuses; terminal ones (`complete`, `cancelled`, `failed`) never change. */
export const testStatuses = [
  'created',
  'scheduled',
  'queued',
  'provisioning',
  'running',
  'cancelling',
  'parsing results',
  'complete',
  'cancelled',
  'failed',
] as const;
export type TestStatus = (typeof testStatuses)[number];

/** Statuses a run ends in. */
export const terminalStatuses: readonly TestStatus[] = ['complete', 'cancelled', 'failed'];

export type TestType = 'simple' | 'jmeter' | 'k6' | 'locust';
export type FileType = 'none' | 'script' | 'zip';

/** Where a test's tasks run: `taskCount` tasks with `concurrency` users each in `region`. */
export interface TaskConfig {
  readonly region: string;
  readonly taskCount: number;
  readonly concurrency: number;
}

/** The body of `POST /api/scenarios`: creates (or, with `testId`, updates) a test and runs it. */
export interface ScenarioInput {
  readonly testId?: string;
  readonly testName: string;
  readonly testDescription: string;
  readonly testType: TestType;
  readonly fileType?: FileType;
  readonly testTaskConfigs: readonly TaskConfig[];
  /** The test definition: `execution`, `scenarios`, `thresholds`… (see docs/format.md). */
  readonly testScenario: Readonly<Record<string, unknown>>;
  readonly showLive?: boolean;
  readonly tags?: readonly string[];
  readonly healthyThreshold?: number;
  /** Save without running. */
  readonly saveOnly?: boolean;
  readonly [field: string]: unknown;
}

/** A row of `GET /api/scenarios`. */
export interface ScenarioListItem {
  readonly testId: string;
  readonly testName: string;
  readonly testDescription: string;
  readonly status: TestStatus;
  readonly startTime?: string;
  readonly tags?: readonly string[];
  readonly totalTestRuns?: number;
  readonly [field: string]: unknown;
}

/** The seed's per-region (and `total`) result row; dlt computes every value exactly. */
export interface SeedResult {
  readonly throughput: number;
  readonly succ: number;
  readonly fail: number;
  readonly [field: string]: unknown;
}

/** dlt's own result of a run: the `dlt run` summary plus each region's. */
export type RunResultSummary = RunSummary & { readonly regions?: Readonly<Record<string, RunSummary>> };

/** `GET /api/scenarios/{testId}`: the test, its latest run and its history. */
export interface Scenario {
  readonly testId: string;
  readonly testName: string;
  readonly testDescription: string;
  readonly testType: TestType;
  readonly fileType?: FileType;
  readonly status: TestStatus;
  readonly testTaskConfigs: readonly TaskConfig[];
  readonly tags?: readonly string[];
  readonly showLive?: boolean;
  readonly testScenario: Readonly<Record<string, unknown>>;
  readonly testRunId?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly errorReason?: string;
  readonly taskIds?: readonly string[];
  readonly results?: Readonly<Record<string, SeedResult>>;
  readonly summary?: RunResultSummary;
  readonly history?: readonly TestRunSummary[];
  readonly totalTestRuns?: number;
  readonly [field: string]: unknown;
}

/** A row of `GET /api/scenarios/{testId}/testruns`. */
export interface TestRunSummary {
  readonly testRunId: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly status: TestStatus;
  readonly requests?: number;
  readonly success?: number;
  readonly errors?: number;
  readonly requestsPerSecond?: number;
  readonly avgResponseTime?: number;
  readonly percentiles?: Readonly<Record<string, number>>;
  readonly [field: string]: unknown;
}

/** `GET /api/scenarios/{testId}/testruns/{testRunId}`: one run in full. */
export interface TestRun {
  readonly testRunId: string;
  readonly testId?: string;
  readonly status: TestStatus;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly errorReason?: string;
  readonly results?: Readonly<Record<string, SeedResult>>;
  readonly summary?: RunResultSummary;
  readonly [field: string]: unknown;
}

export interface TestRunPage {
  readonly testRuns: readonly TestRunSummary[];
  readonly pagination: { readonly limit: number; readonly next_token?: string | null; readonly total_count?: number };
}

export interface TestRunQuery {
  readonly limit?: number;
  /** ISO 8601. */
  readonly startTimestamp?: string;
  readonly endTimestamp?: string;
  readonly latest?: boolean;
  readonly nextToken?: string;
}

export interface Baseline {
  readonly testId: string;
  readonly baselineId: string | null;
  readonly message?: string;
  readonly testRunDetails?: TestRun;
  readonly [field: string]: unknown;
}

/** `GET …/testruns/{testRunId}/compare`: deltas between a run and the baseline (or another run). */
export interface Comparison {
  readonly testRunId: string;
  readonly baselineId: string;
  readonly [field: string]: unknown;
}

export interface Region {
  readonly region: string;
  readonly agents?: number;
  readonly freeSlots?: number;
  readonly [field: string]: unknown;
}

export interface RegionTasks {
  readonly region: string;
  readonly [field: string]: unknown;
}

export type Role = 'admin' | 'editor' | 'viewer' | 'agent';

export interface TokenInput {
  readonly name: string;
  readonly role: Role;
}

/** A created API token: `token` is shown once. */
export interface CreatedToken {
  readonly token: string;
  readonly name?: string;
  readonly role?: Role;
  readonly [field: string]: unknown;
}

/** An API token as listed (never its secret). */
export interface TokenInfo {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly [field: string]: unknown;
}

export interface UserInput {
  readonly username: string;
  readonly password: string;
  readonly role: Exclude<Role, 'agent'>;
}

/** One firing of a schedule: a run started, or why not. */
export interface ScheduleEvent {
  readonly firing: string;
  readonly at: string;
  readonly outcome: 'started' | 'missed' | 'overlap' | 'failed';
  readonly runId?: string;
  readonly detail?: string;
}

/** `GET /api/scenarios/{testId}/schedule`: the seed's schedule fields, the next run and the firings. */
export interface ScheduleInfo {
  readonly testId: string;
  readonly scheduled: boolean;
  /** Null once it will not fire again. */
  readonly nextRun: string | null;
  readonly events: readonly ScheduleEvent[];
  readonly [field: string]: unknown;
}

/** A user as `GET /api/users` lists them. */
export interface UserInfo {
  readonly username: string;
  readonly role: Role;
  readonly createdAt: string;
  /** How many API tokens the user holds. */
  readonly apiTokens: number;
}

/** A connected agent (`GET /api/agents`). */
export interface AgentInfo {
  readonly agentId: string;
  readonly name: string;
  readonly region: string;
  readonly version: string;
  readonly cores: number;
  readonly slots: number;
  readonly tasks: readonly string[];
  readonly clockOffsetMs: number;
  readonly rttMs: number | null;
  readonly [field: string]: unknown;
}

/** Events of `GET /api/runs/{runId}/live` (the `data` of each `LiveEvent`, by its `event`). */
export type RunLiveEvent =
  | {
      readonly event: 'status';
      readonly data: {
        readonly runId: string;
        readonly testId: string;
        readonly status: TestStatus;
        readonly errorReason?: string;
      };
    }
  | {
      readonly event: 'snapshot';
      readonly data: {
        readonly runId: string;
        readonly taskId: string;
        readonly region: string;
        readonly snapshot: Snapshot;
      };
    }
  /** One second merged over every task (and per region), sent again if a late part changes it. */
  | { readonly event: 'second'; readonly data: LiveSecond };

/** A second's figures (a snapshot's, without the histogram). */
export type LiveStats = Omit<Snapshot['totals'], 'histogram'>;

/** One merged second of a run, or of one region of it. */
export interface LiveSecondPart {
  readonly durationMs: number;
  readonly totals: LiveStats;
  readonly labels: Readonly<Record<string, LiveStats>>;
  readonly iterations: number;
  readonly vus: number;
  readonly vusMax: number;
}

/** The `second` event of the live stream: start `at` in the server's clock, the tasks in it, each region. */
export interface LiveSecond extends LiveSecondPart {
  readonly runId: string;
  readonly at: number;
  readonly tasks: number;
  readonly regions: Readonly<Record<string, LiveSecondPart>>;
}
