/**
 * The orchestrator: one persisted state machine per run —
 *   queued → provisioning → running → parsing results → complete
 *   (cancelling → cancelled, or failed, from any of the first three)
 * It asks launchers for agents, assigns tasks to agents as they come, holds the start barrier
 * (every task ready → one start instant for all), fans snapshots out, stores uploads, and merges
 * them into the run's results. Every status change is a compare-and-set in the store, so two
 * endings can never both win and a terminal status never changes.
 */
import { mergeResults } from '@dlt/metrics';
import { type AgentMessage, formatProblem, type TaskResult, type TaskUpload } from '@dlt/model';
import type { Artifacts } from '../artifacts/artifacts.ts';
import type { AgentHub, ConnectedAgent } from '../hub/agent-hub.ts';
import { newId } from '../ids.ts';
import type { LiveFeed } from '../live-feed.ts';
import { mergeRun, taskResultKey } from '../results/merge-run.ts';
import {
  isTerminal,
  type RunPatch,
  type RunRecord,
  type RunStatus,
  type Store,
  type TestRecord,
} from '../store/store.ts';
import { ActiveRun, nameTask, type TaskState } from './active-run.ts';
import { type AgentExit, agentMayTake, type Launcher } from './launcher.ts';
import { planTasks, taskSpec } from './task-spec.ts';

export interface OrchestratorTiming {
  /** All tasks must be ready within this, ms. */
  readonly provisionTimeoutMs: number;
  /** The start instant is at least this far ahead of the barrier, ms. */
  readonly startLeadMs: number;
  /** A task whose agent dropped may come back within this, ms. */
  readonly reconnectGraceMs: number;
  /** After a cancel, results are awaited this long, ms. */
  readonly cancelGraceMs: number;
  /** After a failure, the other tasks' results are awaited this long, ms. */
  readonly drainMs: number;
  /** After a server restart, running tasks' agents may report back within this, ms. */
  readonly recoveryGraceMs: number;
  /** Hard cap on a task's run (sent to agents), ms. */
  readonly maxRunMs: number;
  /** A run still going this long after its cap has failed, ms. */
  readonly overrunMs: number;
}

export const defaultTiming: OrchestratorTiming = {
  provisionTimeoutMs: 60_000,
  // Time for every agent to warm its VUs before the instant, even many agents on one busy machine.
  startLeadMs: 1_000,
  reconnectGraceMs: 10_000,
  cancelGraceMs: 5_000,
  drainMs: 5_000,
  recoveryGraceMs: 30_000,
  maxRunMs: 4 * 3600_000,
  overrunMs: 60_000,
};

export interface OrchestratorDeps {
  readonly store: Store;
  readonly artifacts: Artifacts;
  readonly hub: AgentHub;
  readonly live: LiveFeed;
  readonly launchers?: readonly Launcher[];
  readonly timing?: Partial<OrchestratorTiming>;
  readonly log?: (line: string) => void;
}

/** Why an upload was refused. */
export type UploadOutcome = 'stored' | 'repeat' | 'unknown-task' | 'mismatch' | 'bad-result';

const startable: readonly RunStatus[] = ['queued', 'provisioning', 'running'];
const unfinished: readonly RunStatus[] = ['queued', 'provisioning', 'running', 'cancelling', 'parsing results'];

export class Orchestrator {
  readonly #d: OrchestratorDeps;
  readonly #t: OrchestratorTiming;
  readonly #active = new Map<string, ActiveRun>();
  readonly #log: (line: string) => void;

  constructor(deps: OrchestratorDeps) {
    this.#d = deps;
    this.#t = { ...defaultTiming, ...deps.timing };
    this.#log = deps.log ?? (() => {});
    deps.hub.listen({
      onAvailable: () => {
        this.#place();
        this.#retireStrays();
      },
      onBack: (agent, running) => this.#back(agent, running),
      onMessage: (agent, m) => this.#guard(this.#message(agent, m)),
      onGone: (agent) => this.#gone(agent),
    });
    for (const l of deps.launchers ?? []) l.onExit((e) => this.#guard(this.#exited(e)));
  }

  /** Regions with a launcher (agents of other regions dial in on their own). */
  get launcherRegions(): string[] {
    return (this.#d.launchers ?? []).flatMap((l) => l.regions);
  }

  launcherFor(region: string): Launcher | undefined {
    return (this.#d.launchers ?? []).find((l) => l.regions.includes(region));
  }

  /** Runs the orchestrator still holds (an ended one while it drains late uploads too). */
  activeRuns(): { run: RunRecord; tasks: TaskState[] }[] {
    return [...this.#active.values()].map((a) => ({ run: a.run, tasks: a.all() }));
  }

  /**
   * Whether the test has a run that has not ended. A run that has (failed while its other tasks
   * drain) no longer counts: the test may run again, as its status says.
   */
  isRunning(testId: string): boolean {
    return this.#unended(testId) !== undefined;
  }

  #unended(testId: string): ActiveRun | undefined {
    return [...this.#active.values()].find((a) => a.run.testId === testId && !isTerminal(a.run.status));
  }

  /** Queues a run of `test`; undefined when the test already has a run that has not ended. */
  async start(test: TestRecord): Promise<RunRecord | undefined> {
    const run: RunRecord = {
      runId: newId(),
      testId: test.testId,
      status: 'queued',
      startTime: new Date().toISOString(),
      testName: test.testName,
      testDescription: test.testDescription,
      testType: test.testType,
      fileType: test.fileType,
      taskConfigs: test.testTaskConfigs,
      definition: test.testScenario,
      ...(test.scriptKey ? { scriptKey: test.scriptKey, scriptName: test.scriptName } : {}),
      ...(test.schedule?.scheduleTimezone ? { scheduleTimezone: test.schedule.scheduleTimezone } : {}),
    };
    if (!(await this.#d.store.createRun(run))) return undefined;
    const tasks = planTasks(run);
    await this.#d.store.putTasks(tasks);
    const active = new ActiveRun(run, tasks);
    this.#active.set(run.runId, active);
    this.#publishStatus(active);
    setImmediate(() => this.#guard(this.#provision(active)));
    return run;
  }

  async #provision(active: ActiveRun): Promise<void> {
    if (!(await this.#move(active, ['queued'], 'provisioning'))) return;
    const short = this.#shortage(active);
    if (short) return this.#fail(active, short);
    active.timer('provision', this.#t.provisionTimeoutMs, () => this.#guard(this.#notReady(active)));
    const byRegion = Map.groupBy(active.all(), (t) => t.region);
    for (const [region, tasks] of byRegion) {
      const launcher = this.launcherFor(region);
      if (!launcher) continue;
      if (active.ending) return;
      try {
        await launcher.launch(active.run, region, tasks);
      } catch (e) {
        if (!active.ending)
          return this.#fail(active, `could not start agents in region ${region}: ${(e as Error).message}`);
      }
      // Cancelled (or failed) while the launcher was at work: the clean-up has run already, so
      // what the launcher created since (a Job, more ECS tasks) is stopped here.
      if (active.ending) {
        await launcher.stop(active.runId).catch((e) => this.#log(`run ${active.runId}: ${(e as Error).message}`));
        return;
      }
    }
    this.#place();
  }

  /**
   * For regions whose capacity policy is `fail` (and no launcher starts agents for the run: none,
   * or a pool's, which takes agents that are already there):
   * why the connected agents' free slots cannot take the region's tasks now, if they cannot.
   */
  #shortage(active: ActiveRun): string | undefined {
    for (const c of active.run.taskConfigs) {
      const launcher = this.launcherFor(c.region);
      if (c.capacity !== 'fail' || (launcher && launcher.kind !== 'pool')) continue;
      const agents = this.#d.hub.agents(c.region).filter((a) => a.synced);
      const free = agents.reduce((n, a) => n + Math.max(0, a.slots - a.tasks.size), 0);
      if (free >= c.taskCount) continue;
      const slots = agents.reduce((n, a) => n + a.slots, 0);
      return (
        `region ${c.region} has ${free} free slot${free === 1 ? '' : 's'} (${agents.length} online agent${agents.length === 1 ? '' : 's'}, ` +
        `${slots} slot${slots === 1 ? '' : 's'} in all) for the run's ${c.taskCount} task${c.taskCount === 1 ? '' : 's'} there, ` +
        'and the test\'s capacity policy is "fail" ("wait" waits for agents instead)'
      );
    }
    return undefined;
  }

  async #notReady(active: ActiveRun): Promise<void> {
    if (active.run.status !== 'provisioning') return;
    // A task no agent took says more than one that is still compiling.
    const late = active.all().find((t) => t.agentId === undefined) ?? active.all().find((t) => t.status !== 'ready')!;
    const s = Math.round(this.#t.provisionTimeoutMs / 1000);
    const why =
      late.agentId === undefined
        ? `found no agent of region ${late.region} with a free slot within ${s} s (${this.#waiting(active, late.region)})`
        : `was not ready within ${s} s on agent ${late.agentName ?? late.agentId}`;
    await this.#fail(active, `${nameTask(late)} ${why}`);
  }

  /** `3 of 4 tasks still waiting; 2 online agents, 0 free slots`: why a region's tasks wait. */
  #waiting(active: ActiveRun, region: string): string {
    const tasks = active.all().filter((t) => t.region === region);
    const waiting = tasks.filter((t) => t.agentId === undefined).length;
    const agents = this.#d.hub.agents(region).filter((a) => a.synced);
    const free = agents.reduce((n, a) => n + Math.max(0, a.slots - a.tasks.size), 0);
    return `${waiting} of ${tasks.length} tasks still waiting; ${agents.length} online agents, ${free} free slots`;
  }

  /** Gives pending tasks of provisioning runs to free agents of their region. */
  #place(): void {
    for (const active of this.#active.values()) {
      if (active.run.status !== 'provisioning' || active.ending) continue;
      for (const task of active.all()) {
        if (task.status !== 'pending') continue;
        // Agents a launcher started are bound to their task or run (its `binding`); others take any task of their region.
        const launcher = this.launcherFor(task.region);
        const binding = launcher?.binding ?? (launcher ? 'task' : 'any');
        const agent =
          binding === 'any'
            ? this.#d.hub.freeAgent(task.region)
            : this.#d.hub
                .agents(task.region)
                .find((a) => a.synced && a.tasks.size < a.slots && agentMayTake(binding, a.name, task));
        if (agent) this.#assign(active, task, agent);
      }
    }
  }

  /**
   * A launcher's agent exists for one task; idle ones whose task is not in any unfinished run
   * (left over from a run that ended while the server was down) are sent away, so they exit.
   */
  #retireStrays(): void {
    for (const region of this.launcherRegions) {
      const binding = this.launcherFor(region)?.binding ?? 'task';
      if (binding === 'any') continue;
      for (const agent of this.#d.hub.agents(region)) {
        if (!agent.synced || agent.tasks.size > 0 || this.#claimed(binding, agent.name)) continue;
        this.#d.hub.refuse(agent.agentId, `no task ${agent.name} to run: its run is over`);
      }
    }
  }

  /** Whether an unfinished run has a task that an agent so named may take. */
  #claimed(binding: 'task' | 'run', name: string): boolean {
    if (binding === 'task') return this.#find(name) !== undefined;
    return [...this.#active.values()].some((a) => agentMayTake('run', name, a.run));
  }

  #assign(active: ActiveRun, task: TaskState, agent: ConnectedAgent): void {
    agent.tasks.add(task.taskId);
    Object.assign(task, {
      status: 'assigned',
      agentId: agent.agentId,
      agentName: agent.name,
      clockOffsetMs: agent.offsetMs,
      rttMs: agent.rttMs,
    });
    const spec = taskSpec(active.run, task, active.tasks.size, this.#t.maxRunMs);
    this.#d.hub.send(agent.agentId, { type: 'assign', task: spec, clockOffsetMs: agent.offsetMs, rttMs: agent.rttMs });
    this.#persistTask(task);
  }

  async #message(agent: ConnectedAgent, m: Exclude<AgentMessage, { type: 'hello' | 'pong' }>): Promise<void> {
    const found = this.#find(m.taskId);
    if (!found) {
      if (m.type === 'ready' || m.type === 'started' || m.type === 'snapshot') {
        this.#d.hub.send(agent.agentId, { type: 'cancel', taskId: m.taskId, reason: 'the run is over' });
      }
      return;
    }
    const [active, task] = found;
    switch (m.type) {
      case 'ready':
        return this.#ready(active, task);
      case 'started':
        return this.#started(active, task, m.startedAtAgentMs);
      case 'snapshot':
        this.#d.live.publish(active.runId, {
          event: 'snapshot',
          data: {
            runId: active.runId,
            taskId: task.taskId,
            region: task.region,
            snapshot: m.snapshot,
            clockOffsetMs: task.clockOffsetMs ?? 0,
            taskCount: active.tasks.size,
          },
        });
        return;
      case 'done':
        return this.#done(active, task, agent, m.interrupted);
      case 'failed': {
        agent.tasks.delete(task.taskId);
        const details = (m.problems ?? []).map((p) => formatProblem(p)).join('; ');
        return this.#taskFailed(active, task, `failed: ${m.reason}${details ? ` (${details})` : ''}`);
      }
      default: {
        const never: never = m;
        this.#log(`ignored agent message ${JSON.stringify(never)}`);
      }
    }
  }

  async #ready(active: ActiveRun, task: TaskState): Promise<void> {
    if (task.status !== 'assigned') return;
    task.status = 'ready';
    task.readyAt = new Date().toISOString();
    this.#persistTask(task);
    if (active.run.status === 'provisioning' && active.all().every((t) => t.status === 'ready')) {
      await this.#begin(active);
    }
  }

  /** The barrier: every task is ready, so all get one start instant. */
  async #begin(active: ActiveRun): Promise<void> {
    const worstRtt = Math.max(0, ...active.all().map((t) => (Number.isFinite(t.rttMs) ? (t.rttMs ?? 0) : 0)));
    const at = Date.now() + Math.max(this.#t.startLeadMs, 2 * worstRtt + 50);
    if (!(await this.#move(active, ['provisioning'], 'running', { startAtMs: at }))) return;
    active.clearTimer('provision');
    for (const t of active.all()) {
      this.#d.hub.send(t.agentId!, { type: 'start', taskId: t.taskId, atServerMs: at });
    }
    const cap = this.#t.maxRunMs + this.#t.overrunMs;
    active.timer('overrun', at - Date.now() + cap, () =>
      this.#guard(this.#fail(active, `the run did not end within ${Math.round(cap / 1000)} s of its start`)),
    );
  }

  #started(active: ActiveRun, task: TaskState, startedAtAgentMs: number): void {
    task.status = 'running';
    task.startedAtMs = startedAtAgentMs - (task.clockOffsetMs ?? 0);
    this.#persistTask(task);
    const starts = active.all().map((t) => t.startedAtMs);
    if (starts.every((s) => s !== undefined)) {
      const spread = Math.max(...starts) - Math.min(...starts);
      void this.#d.store.patchRun(active.runId, { startSpreadMs: spread });
    }
  }

  async #done(active: ActiveRun, task: TaskState, agent: ConnectedAgent, interrupted: boolean): Promise<void> {
    agent.tasks.delete(task.taskId);
    this.#place();
    if (!task.resultStored) return this.#taskFailed(active, task, 'ended without uploading a result');
    task.status = 'done';
    task.interrupted = interrupted;
    task.endedAt = new Date().toISOString();
    this.#persistTask(task);
  }

  /** A task is lost: the run fails, unless it is being cancelled anyway. */
  async #taskFailed(active: ActiveRun, task: TaskState, why: string): Promise<void> {
    if (task.resultStored) return;
    task.status = 'failed';
    task.errorReason = why;
    this.#persistTask(task);
    if (active.run.status === 'cancelling' || active.ending) return this.#settle(active);
    await this.#fail(active, `${nameTask(task)} ${why}`);
  }

  #back(agent: ConnectedAgent, running: readonly string[]): void {
    for (const taskId of running) {
      const found = this.#find(taskId);
      if (!found || found[1].resultStored) {
        this.#d.hub.send(agent.agentId, { type: 'cancel', taskId, reason: 'the run is over' });
        continue;
      }
      const [active, task] = found;
      agent.tasks.add(taskId);
      task.agentId = agent.agentId;
      task.agentName = agent.name;
      active.clearTimer(`gone:${taskId}`);
      // Back while its run is ending: the stop sent then did not reach it, so it would hold
      // the task (and its slot) for ever. What it uploads within the drain time is kept.
      if (active.ending || active.run.status === 'cancelling') {
        const why = active.run.status === 'failed' ? `the run failed: ${active.run.errorReason}` : 'the run is over';
        this.#d.hub.send(agent.agentId, { type: 'cancel', taskId, reason: why });
      }
    }
  }

  #gone(agent: ConnectedAgent): void {
    for (const taskId of agent.tasks) {
      const found = this.#find(taskId);
      if (!found) continue;
      const [active, task] = found;
      if (task.resultStored || task.agentId !== agent.agentId) continue;
      const why = agent.goneReason ?? 'disconnected';
      const back = `not back within ${Math.round(this.#t.reconnectGraceMs / 100) / 10} s`;
      const lost = () => this.#guard(this.#taskFailed(active, task, `lost its agent ${agent.name} (${why}; ${back})`));
      if (active.run.status === 'cancelling' || active.ending) lost();
      else active.timer(`gone:${taskId}`, this.#t.reconnectGraceMs, lost);
    }
  }

  async #exited(e: AgentExit): Promise<void> {
    const active = this.#active.get(e.runId);
    if (!active || active.ending) return;
    const how = e.reason ?? (e.code !== null ? `code ${e.code}` : `signal ${e.signal}`);
    const tail = e.stderrTail ? `: ${e.stderrTail.replace(/\s+/g, ' ').slice(-300)}` : '';
    const task = active.all().find((t) => t.agentName === e.name) ?? active.tasks.get(e.name);
    if (!task && e.reason !== undefined) return this.#fail(active, `${e.name} ${e.reason}`);
    if (!task) return this.#fail(active, `an agent process (${e.name}) exited with ${how}${tail}`);
    await this.#taskFailed(active, task, `failed: its agent process exited with ${how}${tail}`);
  }

  /** Cancels the test's unfinished run; false when it has none. */
  async cancel(testId: string): Promise<boolean> {
    const active = this.#unended(testId);
    if (!active) return false;
    if (active.run.status === 'cancelling' || active.ending) return true;
    if (!(await this.#move(active, startable, 'cancelling'))) return false;
    active.clearTimer('provision');
    for (const t of active.all()) {
      if (t.resultStored) continue;
      if (t.agentId !== undefined) {
        this.#d.hub.send(t.agentId, { type: 'cancel', taskId: t.taskId, reason: 'the run was cancelled' });
      } else {
        t.status = 'cancelled';
        this.#persistTask(t);
      }
    }
    active.timer('cancel', this.#t.cancelGraceMs, () => this.#guard(this.#finish(active, 'cancelled')));
    await this.#settle(active);
    return true;
  }

  /** Stores a task's upload once; repeats are acknowledged as such. */
  async upload(u: TaskUpload): Promise<UploadOutcome> {
    const found = this.#find(u.taskId);
    const task = found?.[1] ?? (await this.#d.store.getTask(u.taskId));
    if (!task) return 'unknown-task';
    if (task.runId !== u.runId) return 'mismatch';
    if (task.resultStored) return 'repeat';
    try {
      mergeResults([u.result as TaskResult]);
    } catch {
      return 'bad-result';
    }
    await this.#d.artifacts.put(taskResultKey(u.runId, u.taskId), new TextEncoder().encode(JSON.stringify(u)));
    // The upload is the task's end: its `done` may come after the run is over (the last upload
    // completes the run), when no one is listening, so the task would stay `running`.
    const ended = task.status === 'failed' || task.status === 'cancelled' ? {} : { status: 'done' as const };
    const patch = {
      ...ended,
      endedAt: task.endedAt ?? new Date().toISOString(),
      startedAtMs: u.startedAtServerMs,
      clockOffsetMs: u.clockOffsetMs,
      rttMs: u.rttMs,
      interrupted: u.interrupted,
    };
    const first = await this.#d.store.markResultStored(u.taskId, patch);
    if (!first) return 'repeat';
    if (found) {
      // Before the run can end: the seconds its live stream missed, in the clock it used.
      const [active, t] = found;
      const timeline = (u.result as TaskResult).timeline ?? [];
      this.#d.live.backfill(active.runId, t.taskId, t.region, timeline, t.clockOffsetMs ?? 0);
      Object.assign(found[1], patch, { resultStored: true });
      await this.#settle(found[0]);
    } else {
      await this.#remerge(u.runId);
    }
    return 'stored';
  }

  /** Ends the run when nothing more is awaited. */
  async #settle(active: ActiveRun): Promise<void> {
    const status = active.run.status;
    if (active.ending) {
      if (status === 'failed' && active.outstanding().length === 0) await this.#wrapUp(active);
      return;
    }
    if (status === 'running' && active.all().every((t) => t.resultStored)) return this.#finish(active, 'complete');
    if (status === 'cancelling' && active.outstanding().length === 0) return this.#finish(active, 'cancelled');
  }

  async #finish(active: ActiveRun, to: 'complete' | 'cancelled'): Promise<void> {
    if (active.ending) return;
    active.ending = true;
    let from: RunStatus = 'cancelling';
    if (to === 'complete') {
      if (!(await this.#move(active, ['running'], 'parsing results'))) {
        active.ending = false;
        return;
      }
      from = 'parsing results';
    }
    let merged: RunPatch = {};
    try {
      merged = (await mergeRun(active.run, active.all(), this.#d.artifacts)) ?? {};
    } catch (e) {
      active.ending = false;
      return this.#fail(active, `the results could not be merged: ${(e as Error).message}`);
    }
    await this.#move(active, [from], to, { ...merged, endTime: new Date().toISOString() });
    await this.#cleanUp(active);
  }

  /** Fails the run, tells its tasks to stop, and keeps what they upload within the drain time. */
  async #fail(active: ActiveRun, reason: string): Promise<void> {
    if (active.ending) return;
    active.ending = true;
    if (!(await this.#move(active, unfinished, 'failed', { errorReason: reason, endTime: new Date().toISOString() }))) {
      return this.#cleanUp(active);
    }
    this.#log(`run ${active.runId} failed: ${reason}`);
    for (const t of active.outstanding()) {
      this.#d.hub.send(t.agentId!, { type: 'cancel', taskId: t.taskId, reason: `the run failed: ${reason}` });
    }
    active.timer('drain', this.#t.drainMs, () => this.#guard(this.#wrapUp(active)));
    await this.#settle(active);
  }

  /** After a failure: keeps the merged results of what arrived, then cleans up. */
  async #wrapUp(active: ActiveRun): Promise<void> {
    if (!this.#active.has(active.runId)) return;
    this.#active.delete(active.runId);
    await this.#remerge(active.runId).catch((e) => this.#log(`run ${active.runId}: ${(e as Error).message}`));
    await this.#cleanUp(active);
  }

  async #remerge(runId: string): Promise<void> {
    const run = await this.#d.store.getRun(runId);
    if (!run) return;
    const merged = await mergeRun(run, await this.#d.store.listTasks(runId), this.#d.artifacts);
    if (merged) await this.#d.store.patchRun(runId, merged);
  }

  async #cleanUp(active: ActiveRun): Promise<void> {
    active.clearTimers();
    this.#active.delete(active.runId);
    for (const t of active.all()) if (t.agentId) this.#d.hub.get(t.agentId)?.tasks.delete(t.taskId);
    await Promise.all((this.#d.launchers ?? []).map((l) => l.stop(active.runId).catch(() => {})));
    this.#place();
    this.#retireStrays();
  }

  /** After a restart: runs left unfinished resume or end, with a reason. */
  async recover(): Promise<void> {
    for (const run of await this.#d.store.activeRuns()) {
      const active = new ActiveRun(run, await this.#d.store.listTasks(run.runId));
      this.#active.set(run.runId, active);
      switch (run.status) {
        case 'queued':
        case 'provisioning':
          await this.#fail(active, 'the server restarted before the run started');
          break;
        case 'parsing results':
          active.run = { ...run, status: 'running' };
          await this.#d.store.transitionRun(run.runId, ['parsing results'], 'running');
          await this.#settle(active);
          break;
        case 'running':
        case 'cancelling':
          await this.#resume(active);
          break;
        default:
          break;
      }
    }
  }

  async #resume(active: ActiveRun): Promise<void> {
    await this.#settle(active);
    if (!this.#active.has(active.runId)) return;
    for (const t of active.all()) if (!t.resultStored) t.agentId = undefined;
    active.timer('recovery', this.#t.recoveryGraceMs, () => {
      const missing = active.all().find((t) => !t.resultStored && t.agentId === undefined);
      if (!missing) return;
      if (active.run.status === 'cancelling') return this.#guard(this.#finish(active, 'cancelled'));
      const s = Math.round(this.#t.recoveryGraceMs / 1000);
      this.#guard(
        this.#fail(
          active,
          `the server restarted during the run and ${nameTask(missing)} did not report back within ${s} s`,
        ),
      );
    });
  }

  /**
   * Stops the orchestrator. Local agents stop with the server, so a run with tasks on them ends
   * `failed`, saying why, with what they upload as they stop; agents elsewhere carry on and their
   * runs resume when a server is back.
   */
  async close(): Promise<void> {
    const local = new Set(
      (this.#d.launchers ?? []).filter((l) => (l.kind ?? 'local') === 'local').flatMap((l) => l.regions),
    );
    const cut = [...this.#active.values()].filter(
      (a) => !isTerminal(a.run.status) && !a.ending && a.all().some((t) => local.has(t.region) && !t.resultStored),
    );
    for (const a of cut) {
      await this.#fail(a, 'the server was stopped during the run, and its local agents with it').catch((e) =>
        this.#log(`run ${a.runId}: ${(e as Error).message}`),
      );
    }
    await Promise.all((this.#d.launchers ?? []).map((l) => l.close()));
    for (const a of cut) await this.#remerge(a.runId).catch(() => {});
    for (const a of this.#active.values()) a.clearTimers();
    this.#active.clear();
  }

  /** Moves the run's status (compare-and-set) and tells live listeners. */
  async #move(active: ActiveRun, from: readonly RunStatus[], to: RunStatus, patch: RunPatch = {}): Promise<boolean> {
    if (!(await this.#d.store.transitionRun(active.runId, from, to, patch))) return false;
    active.run = { ...active.run, ...patch, status: to };
    this.#publishStatus(active);
    return true;
  }

  #publishStatus(active: ActiveRun): void {
    const { runId, testId, status, errorReason } = active.run;
    this.#d.live.publish(runId, {
      event: 'status',
      data: { runId, testId, status, ...(errorReason ? { errorReason } : {}) },
    });
  }

  #find(taskId: string): [ActiveRun, TaskState] | undefined {
    for (const a of this.#active.values()) {
      const t = a.tasks.get(taskId);
      if (t) return [a, t];
    }
    return undefined;
  }

  #persistTask(task: TaskState): void {
    const { taskId, runId, testId, region, index, resultStored, agentName, ...patch } = task;
    this.#guard(this.#d.store.patchTask(taskId, patch));
  }

  #guard(p: Promise<unknown>): void {
    p.catch((e) => this.#log(`orchestrator: ${(e as Error).stack ?? String(e)}`));
  }
}
