/**
 * One task on a remote agent, from `assign` to `done`: compile the task's share of the test,
 * say ready, wait for the common start (converted to this machine's clock), run with a
 * snapshot each second, then upload the result and say done. A cancel at any point stops at
 * once and still uploads what was measured, marked interrupted.
 */
import { type AgentMessage, badInput, type CompiledTest, DltError, type TaskSpec, type TaskUpload } from '@dlt/model';
import type { Limits } from '@dlt/scripts';
import { runShare, type ShareOutcome } from '../run-share.ts';
import { compileScriptTask, isScriptTest } from './script-task.ts';
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
    try {
      this.#test = await this.#compile();
    } catch (e) {
      this.#fail(e);
      return false;
    }
    for (const w of this.#test.warnings) this.#deps.log(`task ${this.spec.taskId}: ${w}`);
    this.#state = 'ready';
    this.#deps.send({ type: 'ready', taskId: this.spec.taskId });
    // Cancelled while fetching or compiling: end at once, as a cancel of a ready task does.
    if (this.#stop.signal.aborted) this.start(Date.now() - this.#clock.offsetMs);
    return true;
  }

  async #compile(): Promise<CompiledTest> {
    const { spec } = this;
    if (!isScriptTest(spec.testType)) return compileTask(spec, this.#deps.limits);
    const fetchBundle = this.#deps.fetchBundle;
    if (spec.bundleUrl === undefined || fetchBundle === undefined) {
      throw badInput(
        [{ field: 'bundleUrl', message: `a ${spec.testType} test needs its script` }],
        `task ${spec.taskId}`,
      );
    }
    const file = await fetchBundle(spec.bundleUrl, this.#stop.signal);
    const { test, dispose } = await compileScriptTask(spec, file, this.#deps.limits);
    this.#dispose = dispose;
    return test;
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
      outcome = await runShare(this.#test as CompiledTest, {
        index: 0,
        count: 1,
        signal: this.#stop.signal,
        startAtEpochMs: atAgentMs,
        // By the wall clock the offset was measured with (a long-lived process's monotonic
        // clock drifts from it), read the moment the engine starts.
        onStart: () => started(Date.now()),
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
      ...(isScriptTest(this.spec.testType) && this.#test && this.#test.thresholds.length > 0
        ? { thresholds: this.#test.thresholds }
        : {}),
    };
    try {
      await this.#deps.upload(upload, this.#giveUp.signal);
    } catch (e) {
      return this.#fail(e);
    }
    this.#state = 'done';
    this.#deps.send({ type: 'done', taskId, interrupted });
  }

  #fail(e: unknown): void {
    this.#state = 'failed';
    void this.#dispose?.();
    const reason = e instanceof Error ? e.message : String(e);
    const problems = DltError.is(e) && e.problems.length > 0 ? { problems: e.problems } : {};
    this.#deps.log(`task ${this.spec.taskId} failed: ${reason}`);
    this.#deps.send({ type: 'failed', taskId: this.spec.taskId, reason, ...problems });
  }
}
