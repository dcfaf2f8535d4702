/**
 * One task on a remote agent, from `assign` to `done`: compile the task's share of the test,
 * say ready, wait for the common start (converted to this machine's clock), run with a
 * snapshot each second, then upload the result and say done. A cancel at any point stops at
 * once and still uploads what was measured, marked interrupted.
 */
import {
  type AgentMessage,
  badInput,
  type CompiledTest,
  DltError,
  type TaskSpec,
  type TaskUpload,
  type ThresholdSpec,
} from '@dlt/model';
import type { Limits } from '@dlt/scripts';
import { runShare, type ShareOptions, type ShareOutcome } from '../run-share.ts';
import {
  compileScriptTask,
  type IsolatedScriptTask,
  isScriptTest,
  prepareScriptTask,
  runsIsolated,
} from './script-task.ts';
import { compileTask } from './task-test.ts';

/** What a task needs from its agent. */
export interface TaskDeps {
  readonly send: (message: AgentMessage) => void;
  /** Uploads until acknowledged; rejects when it gives up. */
  readonly upload: (upload: TaskUpload, signal: AbortSignal) => Promise<void>;
  readonly log: (line: string) => void;
  readonly limits?: Partial<Limits>;
  /** Fetches the script or zip of a script test (`jmeter`, `k6`) from the spec's `bundleUrl`. */
  readonly fetchBundle?: (
    bundleUrl: string,
    signal: AbortSignal,
  ) => Promise<{ readonly name: string; readonly bytes: Uint8Array }>;
}

/** The clock figures the server measured for this agent. */
export interface TaskClock {
  /** Agent clock − server clock, ms. */
  readonly offsetMs: number;
  readonly rttMs: number;
}

export type TaskState = 'preparing' | 'ready' | 'running' | 'uploading' | 'done' | 'failed';

export class RemoteTask {
  readonly spec: TaskSpec;
  readonly #clock: TaskClock;
  readonly #deps: TaskDeps;
  readonly #stop = new AbortController();
  /** Aborted when the agent can wait no longer for the upload. */
  readonly #giveUp = new AbortController();
  #state: TaskState = 'preparing';
  #test?: CompiledTest;
  #run?: Promise<void>;
  #startedAtAgentMs?: number;
  /** Removes a script test's temporary folder. */
  #dispose?: () => Promise<void>;
  /** A JMeter or k6 test, compiled and run on a worker thread of its own. */
  #isolated?: IsolatedScriptTask;

  constructor(spec: TaskSpec, clock: TaskClock, deps: TaskDeps) {
    this.spec = spec;
    this.#clock = clock;
    this.#deps = deps;
  }

  get state(): TaskState {
    return this.#state;
  }

  /** Resolves once the task has said done or failed (never rejects). */
  get finished(): Promise<void> {
    return this.#run ?? Promise.resolve();
  }

  /** Compiles the test (a script test's file fetched first); says ready, or failed with every problem. */
  async prepare(): Promise<boolean> {
    let warnings: readonly string[];
    try {
      warnings = await this.#compile();
    } catch (e) {
      this.#fail(e);
      return false;
    }
    for (const w of warnings) this.#deps.log(`task ${this.spec.taskId}: ${w}`);
    this.#state = 'ready';
    this.#deps.send({ type: 'ready', taskId: this.spec.taskId });
    // Cancelled while fetching or compiling: end at once, as a cancel of a ready task does.
    if (this.#stop.signal.aborted) this.start(Date.now() - this.#clock.offsetMs);
    return true;
  }

  /** Compiles the task's test (kept in `#test` or `#isolated`); resolves with its warnings. */
  async #compile(): Promise<readonly string[]> {
    const { spec } = this;
    if (!isScriptTest(spec.testType)) {
      this.#test = compileTask(spec, this.#deps.limits);
      return this.#test.warnings;
    }
    const fetchBundle = this.#deps.fetchBundle;
    if (spec.bundleUrl === undefined || fetchBundle === undefined) {
      throw badInput(
        [{ field: 'bundleUrl', message: `a ${spec.testType} test needs its script` }],
        `task ${spec.taskId}`,
      );
    }
    const file = await fetchBundle(spec.bundleUrl, this.#stop.signal);
    if (runsIsolated(spec.testType)) {
      // Scripts from elsewhere run on a worker with a capped heap: a runaway one fails its task, not the agent.
      this.#isolated = await prepareScriptTask(spec, file, this.#deps.limits);
      this.#dispose = this.#isolated.dispose;
      return this.#isolated.share.warnings;
    }
    const { test, dispose } = await compileScriptTask(spec, file, this.#deps.limits);
    this.#dispose = dispose;
    this.#test = test;
    return test.warnings;
  }

  /** Starts at `atServerMs` of the server's clock; a repeated start is ignored. */
  start(atServerMs: number): void {
    if (this.#state !== 'ready') return;
    this.#state = 'running';
    this.#run = this.#execute(atServerMs + this.#clock.offsetMs);
  }

  /** Stops at once; the result measured so far is still uploaded. */
  cancel(reason: string): void {
    if (this.#state === 'done' || this.#state === 'failed') return;
    this.#deps.log(`task ${this.spec.taskId}: cancelled (${reason})`);
    this.#stop.abort();
    if (this.#state === 'ready') this.start(Date.now() - this.#clock.offsetMs);
  }

  /** Stops waiting for the upload (the agent is shutting down). */
  abandon(): void {
    this.#stop.abort();
    this.#giveUp.abort();
  }

  /** Answers a repeated `assign` with where the task is, instead of running it twice. */
  resend(): void {
    if (this.#state === 'ready') this.#deps.send({ type: 'ready', taskId: this.spec.taskId });
    if (this.#state === 'running' && this.#startedAtAgentMs !== undefined) {
      this.#deps.send({ type: 'started', taskId: this.spec.taskId, startedAtAgentMs: this.#startedAtAgentMs });
    }
  }

  async #execute(atAgentMs: number): Promise<void> {
    const { taskId } = this.spec;
    const sent = new Set<number>();
    const started = (at: number) => {
      this.#startedAtAgentMs = at;
      this.#deps.send({ type: 'started', taskId, startedAtAgentMs: at });
    };
    const cap = setTimeout(() => this.#stop.abort(), Math.max(0, atAgentMs - Date.now()) + this.spec.maxDurationMs);
    let outcome: ShareOutcome;
    try {
      // The engine warms the VUs first and then waits for the instant itself, so the actual start
      // (what `started` reports) is as close to the common one as this machine's timers allow.
      const run = this.#isolated
        ? (o: ShareOptions) => (this.#isolated as IsolatedScriptTask).share.run(o)
        : (o: ShareOptions) => runShare(this.#test as CompiledTest, o);
      outcome = await run({
        index: 0,
        count: 1,
        signal: this.#stop.signal,
        startAtEpochMs: atAgentMs,
        // By the wall clock the offset was measured with (a long-lived process's monotonic
        // clock drifts from it), read the moment the engine starts.
        onStart: () => started(Date.now()),
        onWarning: (w) => this.#deps.log(`task ${taskId}: ${w}`),
        onSecond: (snapshot) => {
          sent.add(snapshot.at);
          this.#deps.send({ type: 'snapshot', taskId, snapshot });
        },
      });
    } catch (e) {
      return this.#fail(e);
    } finally {
      clearTimeout(cap);
      void this.#dispose?.();
    }
    // Nothing ran (an idle share, or cancelled before the start): the common instant stands for it.
    if (this.#startedAtAgentMs === undefined) started(atAgentMs);
    // The last (partial) second is in the result but was never ticked: send it too, so the live
    // seconds of a task add up to its result.
    for (const s of outcome.result.timeline) {
      if (!sent.has(s.at)) this.#deps.send({ type: 'snapshot', taskId, snapshot: s });
    }
    this.#state = 'uploading';
    const interrupted = outcome.interrupted || this.#stop.signal.aborted;
    const startedAt = this.#startedAtAgentMs ?? Date.now();
    const upload: TaskUpload = {
      runId: this.spec.runId,
      taskId,
      interrupted,
      result: outcome.result,
      startedAtServerMs: startedAt - this.#clock.offsetMs,
      clockOffsetMs: this.#clock.offsetMs,
      rttMs: this.#clock.rttMs,
      // A script's thresholds are known only here; the server evaluates them on the merged result.
      ...(isScriptTest(this.spec.testType) && this.#thresholds().length > 0 ? { thresholds: this.#thresholds() } : {}),
    };
    try {
      await this.#deps.upload(upload, this.#giveUp.signal);
    } catch (e) {
      return this.#fail(e);
    }
    this.#state = 'done';
    this.#deps.send({ type: 'done', taskId, interrupted });
  }

  #thresholds(): readonly ThresholdSpec[] {
    return this.#isolated?.share.thresholds ?? this.#test?.thresholds ?? [];
  }

  #fail(e: unknown): void {
    this.#state = 'failed';
    this.#isolated?.share.terminate();
    void this.#dispose?.();
    const reason = e instanceof Error ? e.message : String(e);
    const problems = DltError.is(e) && e.problems.length > 0 ? { problems: e.problems } : {};
    this.#deps.log(`task ${this.spec.taskId} failed: ${reason}`);
    this.#deps.send({ type: 'failed', taskId: this.spec.taskId, reason, ...problems });
  }
}
