/**
 * The agent protocol: what agents and the server say to each other. Agents dial out to the
 * server (a WebSocket for control and live snapshots, HTTP for bundles and result uploads), so an
 * agent behind NAT needs only outbound HTTP(S). Every message is one JSON object with a `type`;
 * both sides switch over these unions exhaustively.
 *
 * Flow of one task:
 *   agent → hello            server → welcome (or refused: version mismatch, bad token)
 *   server → ping … agent → pong   (clock offset: several round trips, the lowest-delay one kept)
 *   server → assign          agent compiles the test, makes its VUs → ready
 *   server → start {at}      (one instant in the server's clock for every task of the run)
 *   agent → started, snapshot (every second) …, then uploads its TaskResult over HTTP
 *           (PUT /api/agent/tasks/{taskId}/result, idempotent, retried until acknowledged) → done
 *   server → cancel          agent stops at once, uploads what it measured, → done {interrupted}
 *
 * After a dropped connection the agent dials again (backoff), says hello with the same agentId
 * and its `running` tasks, and once welcomed sends what it queued while away (snapshots
 * included) in order. An `assign` or `start` repeated for a task it already has is answered with
 * that task's current state rather than run twice.
 */
import type { Problem } from './errors.ts';
import type { Snapshot } from './snapshot.ts';
import type { ThresholdSpec } from './threshold.ts';

/** Bumped on any incompatible change; a server refuses an agent with another version. */
export const protocolVersion = 1;

/**
 * Where an agent opens its control channel (a WebSocket upgrade with
 * `Authorization: Bearer <agent token>`). A bad token is answered 401 before the upgrade; a
 * bad hello is answered `refused` and the socket closed.
 */
export const agentConnectPath = '/api/agents/connect';

/** Where an agent PUTs a task's `TaskUpload` (same token); any 2xx acknowledges it, repeats included. */
export function agentResultPath(taskId: string): string {
  return `/api/agent/tasks/${encodeURIComponent(taskId)}/result`;
}

/** What a task runs: the test, and which share of it. */
export interface TaskSpec {
  readonly runId: string;
  readonly testId: string;
  readonly taskId: string;
  readonly region: string;
  /** `simple` | `jmeter` | `k6` | `locust` (the seed's test types). */
  readonly testType: string;
  /** The test definition (the seed's `testScenario`) for `simple` tests. */
  readonly definition?: unknown;
  /** Where to fetch the script or zip for the other test types (a server path, fetched with the agent's token). */
  readonly bundleUrl?: string;
  /** The seed's per-task concurrency (`testTaskConfigs[].concurrency`), applied to the test's executions. */
  readonly concurrency?: number;
  /** This task's share of executors that are split across tasks (open-model stripes, shared iterations). */
  readonly share: { readonly index: number; readonly count: number };
  /** Hard cap on the task's duration, ms. */
  readonly maxDurationMs: number;
}

/** Messages an agent sends on its control channel. */
export type AgentMessage =
  | {
      readonly type: 'hello';
      readonly protocol: number;
      /** Stable for the agent process, so a reconnect is recognised. */
      readonly agentId: string;
      readonly name: string;
      readonly region: string;
      readonly version: string;
      readonly cores: number;
      /** How many tasks it takes at once. */
      readonly slots: number;
      /** Tasks it is still running (after a reconnect), by id. */
      readonly running: readonly string[];
    }
  | { readonly type: 'pong'; readonly id: number; readonly agentTime: number }
  | { readonly type: 'ready'; readonly taskId: string }
  | { readonly type: 'started'; readonly taskId: string; readonly startedAtAgentMs: number }
  | { readonly type: 'snapshot'; readonly taskId: string; readonly snapshot: Snapshot }
  | { readonly type: 'done'; readonly taskId: string; readonly interrupted: boolean }
  | {
      readonly type: 'failed';
      readonly taskId: string;
      readonly reason: string;
      readonly problems?: readonly Problem[];
    };

/** Messages the server sends to an agent. */
export type ServerMessage =
  | { readonly type: 'welcome'; readonly agentId: string; readonly protocol: number; readonly serverTime: number }
  | { readonly type: 'refused'; readonly reason: string }
  | { readonly type: 'ping'; readonly id: number; readonly serverTime: number }
  | {
      readonly type: 'assign';
      readonly task: TaskSpec;
      /** Measured clock offset: agent clock − server clock, ms. */
      readonly clockOffsetMs: number;
      /** Round-trip time of the ping the offset came from, ms (echoed in the upload). */
      readonly rttMs?: number;
    }
  /** Start at this instant of the server's clock (epoch ms); the agent converts with its offset. */
  | { readonly type: 'start'; readonly taskId: string; readonly atServerMs: number }
  | { readonly type: 'cancel'; readonly taskId: string; readonly reason: string };

/** The body of a result upload (`PUT /api/agent/tasks/{taskId}/result`). */
export interface TaskUpload {
  readonly runId: string;
  readonly taskId: string;
  readonly interrupted: boolean;
  /** A `TaskResult` (see result.ts). */
  readonly result: unknown;
  /** The actual start in the server's clock, and the clock figures it was converted with. */
  readonly startedAtServerMs: number;
  readonly clockOffsetMs: number;
  readonly rttMs: number;
  /** A script test's own thresholds (k6 `options.thresholds`), for the server to evaluate on the merged result. */
  readonly thresholds?: readonly ThresholdSpec[];
}
