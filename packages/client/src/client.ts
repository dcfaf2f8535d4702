/**
 * The typed client of the dlt server: one method per route (the seed's routes under `/api`,
 * plus runs, baselines, comparisons, regions, tasks, tokens and the agents' result upload), and
 * the live stream of a run. Any failure is an `ApiError`.
 */
import { agentResultPath, type TaskUpload } from '@dlt/model';
import type {
  AgentInfo,
  Baseline,
  Comparison,
  CreatedToken,
  Region,
  RegionTasks,
  Role,
  Scenario,
  ScenarioInput,
  ScenarioListItem,
  ScheduleInfo,
  TestRun,
  TestRunPage,
  TestRunQuery,
  TokenInfo,
  TokenInput,
  UserInfo,
  UserInput,
} from './api-types.ts';
import { type LiveEvent, readEvents } from './live.ts';
import { type ClientOptions, requester } from './request.ts';

/** A task's script or zip as the server stored it. */
export interface TaskBundle {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface DltClient {
  /** `POST /api/auth/login`: a session token for a user. */
  login(username: string, password: string): Promise<{ readonly token: string }>;
  /** `GET /api/auth/me`: who the token belongs to. */
  me(): Promise<{ readonly username: string; readonly role: Role }>;
  /** `POST /api/tokens`: an API token (shown once), never with a role above the caller's. */
  createToken(input: TokenInput): Promise<CreatedToken>;
  /** The caller's own API tokens. */
  listTokens(): Promise<{ readonly tokens: TokenInfo[] }>;
  deleteToken(tokenId: string): Promise<unknown>;
  /** `POST /api/users` (admin). */
  createUser(input: UserInput): Promise<unknown>;
  /** `GET /api/users` (admin): every user with their role. */
  listUsers(): Promise<{ readonly users: UserInfo[] }>;
  /** `PUT /api/users/{username}/role` (admin): their sessions end, API tokens above the role are revoked. */
  setUserRole(username: string, role: UserInput['role']): Promise<{ readonly revokedTokens: number }>;
  /** `DELETE /api/users/{username}/tokens` (admin): every session and API token of the user. */
  revokeUserTokens(username: string): Promise<{ readonly revokedTokens: number }>;
  /** `GET /api/scenarios`, optionally only tests with any of `tags`. */
  listScenarios(options?: { readonly tags?: readonly string[] }): Promise<{ readonly Items: ScenarioListItem[] }>;
  getScenario(testId: string, options?: { readonly history?: boolean; readonly latest?: boolean }): Promise<Scenario>;
  /** `POST /api/scenarios`: creates (or updates, with `testId`) a test and runs it unless `saveOnly`. */
  createScenario(input: ScenarioInput): Promise<Scenario>;
  /** `POST /api/scenarios/{testId}`: cancels its running run. */
  cancelScenario(testId: string): Promise<unknown>;
  /** `DELETE /api/scenarios/{testId}`: the test and everything about it (409 while running). */
  deleteScenario(testId: string): Promise<unknown>;
  /** `PUT /api/scenarios/{testId}/script?name=…`: the script (.jmx, .js, .ts, .py) or zip of a test. */
  uploadScript(testId: string, name: string, bytes: Uint8Array): Promise<unknown>;
  downloadScript(testId: string): Promise<Uint8Array>;
  /** `GET /api/scenarios/{testId}/schedule`: its fields, next run and firings (newest first). */
  getSchedule(testId: string, options?: { readonly limit?: number }): Promise<ScheduleInfo>;
  /** `DELETE /api/scenarios/{testId}/schedule`. */
  deleteSchedule(testId: string): Promise<unknown>;
  listTestRuns(testId: string, query?: TestRunQuery): Promise<TestRunPage>;
  getTestRun(testId: string, testRunId: string): Promise<TestRun>;
  deleteTestRuns(testId: string, testRunIds: readonly string[]): Promise<{ readonly deletedCount: number }>;
  /** `GET …/testruns/{testRunId}/tasks/{taskId}/result`: a task's raw result as the agent sent it (JSON bytes). */
  downloadTaskResult(testId: string, testRunId: string, taskId: string): Promise<Uint8Array>;
  getBaseline(testId: string, options?: { readonly data?: boolean }): Promise<Baseline>;
  putBaseline(testId: string, testRunId: string): Promise<Baseline>;
  deleteBaseline(testId: string): Promise<unknown>;
  /** `GET /api/runs/{runId}/report`: the run's HTML report (one self-contained file), CSV or JSON. */
  downloadReport(runId: string, format?: 'html' | 'csv' | 'timeline.csv' | 'json'): Promise<string>;
  /** Deltas between a run and the test's baseline, or `against` another run. */
  compare(testId: string, testRunId: string, against?: string): Promise<Comparison>;
  listRegions(): Promise<{ readonly regions: Region[] }>;
  listTasks(): Promise<RegionTasks[]>;
  listAgents(): Promise<{ readonly agents: AgentInfo[] }>;
  /** `PUT /api/agent/tasks/{taskId}/result` (agent token): idempotent, any 2xx acknowledges. */
  uploadTaskResult(upload: TaskUpload, signal?: AbortSignal): Promise<void>;
  /** The script or zip of a task (agent token), from its spec's `bundleUrl`, with the file's name. */
  downloadTaskBundle(bundleUrl: string, signal?: AbortSignal): Promise<TaskBundle>;
  /** The live events of a run until it ends, the caller aborts or the server closes the stream. */
  live(runId: string, options?: { readonly signal?: AbortSignal }): AsyncGenerator<LiveEvent>;
}

/** A client of the server at `options.baseUrl`. */
export function createClient(options: ClientOptions): DltClient {
  const http = requester(options);
  const test = (testId: string) => `/api/scenarios/${encodeURIComponent(testId)}`;
  const run = (testId: string, testRunId: string) => `${test(testId)}/testruns/${encodeURIComponent(testRunId)}`;
  return {
    login: (username, password) => http.call('POST', '/api/auth/login', { body: { username, password } }),
    me: () => http.call('GET', '/api/auth/me'),
    createToken: (input) => http.call('POST', '/api/tokens', { body: input }),
    listTokens: () => http.call('GET', '/api/tokens'),
    deleteToken: (tokenId) => http.call('DELETE', `/api/tokens/${encodeURIComponent(tokenId)}`),
    createUser: (input) => http.call('POST', '/api/users', { body: input }),
    listUsers: () => http.call('GET', '/api/users'),
    setUserRole: (username, role) =>
      http.call('PUT', `/api/users/${encodeURIComponent(username)}/role`, { body: { role } }),
    revokeUserTokens: (username) => http.call('DELETE', `/api/users/${encodeURIComponent(username)}/tokens`),
    listScenarios: (o = {}) => http.call('GET', '/api/scenarios', { query: { tags: o.tags?.join(',') } }),
    getScenario: (testId, o = {}) => http.call('GET', test(testId), { query: { ...o } }),
    createScenario: (input) => http.call('POST', '/api/scenarios', { body: input }),
    cancelScenario: (testId) => http.call('POST', test(testId)),
    deleteScenario: (testId) => http.call('DELETE', test(testId)),
    uploadScript: (testId, name, bytes) => http.call('PUT', `${test(testId)}/script`, { query: { name }, bytes }),
    downloadScript: async (testId) => {
      const res = await http.open('GET', `${test(testId)}/script`, { headers: { accept: '*/*' } });
      return new Uint8Array(await res.arrayBuffer());
    },
    getSchedule: (testId, o = {}) => http.call('GET', `${test(testId)}/schedule`, { query: { limit: o.limit } }),
    deleteSchedule: (testId) => http.call('DELETE', `${test(testId)}/schedule`),
    listTestRuns: (testId, q = {}) =>
      http.call('GET', `${test(testId)}/testruns`, {
        query: {
          limit: q.limit,
          start_timestamp: q.startTimestamp,
          end_timestamp: q.endTimestamp,
          latest: q.latest,
          next_token: q.nextToken,
        },
      }),
    getTestRun: (testId, testRunId) => http.call('GET', run(testId, testRunId)),
    downloadReport: async (runId, format = 'html') => {
      const res = await http.open('GET', `/api/runs/${encodeURIComponent(runId)}/report`, {
        query: { format },
        headers: { accept: '*/*' },
      });
      return res.text();
    },
    downloadTaskResult: async (testId, testRunId, taskId) => {
      const path = `${run(testId, testRunId)}/tasks/${encodeURIComponent(taskId)}/result`;
      const res = await http.open('GET', path, { headers: { accept: 'application/json' } });
      return new Uint8Array(await res.arrayBuffer());
    },
    deleteTestRuns: (testId, ids) => http.call('DELETE', `${test(testId)}/testruns`, { body: ids }),
    getBaseline: (testId, o = {}) => http.call('GET', `${test(testId)}/baseline`, { query: { ...o } }),
    putBaseline: (testId, testRunId) => http.call('PUT', `${test(testId)}/baseline`, { body: { testRunId } }),
    deleteBaseline: (testId) => http.call('DELETE', `${test(testId)}/baseline`),
    compare: (testId, testRunId, against) =>
      http.call('GET', `${run(testId, testRunId)}/compare`, { query: { with: against } }),
    listRegions: () => http.call('GET', '/api/regions'),
    listTasks: () => http.call('GET', '/api/tasks'),
    listAgents: () => http.call('GET', '/api/agents'),
    uploadTaskResult: async (upload, signal) => {
      await http.call('PUT', agentResultPath(upload.taskId), { body: upload, signal });
    },
    downloadTaskBundle: async (bundleUrl, signal) => {
      const res = await http.open('GET', bundleUrl, { signal, headers: { accept: '*/*' } });
      const disposition = res.headers.get('content-disposition') ?? '';
      const name = /filename="([^"]*)"/.exec(disposition)?.[1] ?? '';
      return { name, bytes: new Uint8Array(await res.arrayBuffer()) };
    },
    live: async function* (runId, o = {}) {
      const path = `/api/runs/${encodeURIComponent(runId)}/live`;
      const res = await http.open('GET', path, { signal: o.signal, headers: { accept: 'text/event-stream' } });
      if (!res.body) return;
      yield* readEvents(res.body, o.signal);
    },
  };
}
