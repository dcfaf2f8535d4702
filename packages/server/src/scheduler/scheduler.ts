/**
 * The scheduler: starts the runs of scheduled tests when they are due. Each test's next run is
 * kept in the store, so a restarted server (or any replica) carries on where it stopped. A
 * firing is claimed with a compare-and-set on that next run, so of several servers on one
 * PostgreSQL exactly one acts on it. What became of every firing is recorded as an event:
 *   started   a run began (late, with the count, when a missed firing ran once at start)
 *   missed    it came while no server ran and the schedule says skip (the default)
 *   overlap   the test's previous run had not ended
 *   failed    the run could not start (no script uploaded, or an error)
 * The clock is injected, so tests move time instead of sleeping.
 */
import { newId } from '../ids.ts';
import type { RunRecord, ScheduleEvent, ScheduleOutcome, ScheduleRecord, Store, TestRecord } from '../store/store.ts';
import { firingsBetween, nextFiring } from './next-run.ts';
import { parseSchedule, type ScheduleSpec } from './schedule-spec.ts';

/** What starts a run: the orchestrator. */
export interface RunStarter {
  /** Queues a run; undefined when the test already has a run that has not ended. */
  start(test: TestRecord): Promise<RunRecord | undefined>;
}

export interface SchedulerOptions {
  /** The clock, epoch ms. */
  readonly now: () => number;
  /** Longest wait between two looks at the store (schedules other replicas set), ms. */
  readonly pollMs: number;
  /** A firing acted on later than this was missed (no server was running), ms. */
  readonly graceMs: number;
}

export const defaultSchedulerOptions: SchedulerOptions = { now: Date.now, pollMs: 30_000, graceMs: 60_000 };

const iso = (ms: number) => new Date(ms).toISOString();

export class Scheduler {
  readonly #store: Store;
  readonly #starter: RunStarter;
  readonly #o: SchedulerOptions;
  readonly #log: (line: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #ticking: Promise<ScheduleEvent[]> | undefined;

  constructor(
    store: Store,
    starter: RunStarter,
    options: Partial<SchedulerOptions> = {},
    log?: (line: string) => void,
  ) {
    this.#store = store;
    this.#starter = starter;
    this.#o = { ...defaultSchedulerOptions, ...options };
    this.#log = log ?? (() => {});
  }

  /** The scheduler's clock (the API refuses times before it). */
  now(): number {
    return this.#o.now();
  }

  /** Stores when a test's schedule fires next (none: it never will) and wakes the loop. */
  async set(testId: string, spec: ScheduleSpec): Promise<ScheduleRecord> {
    const now = this.now();
    const next = nextFiring(spec, now);
    const record: ScheduleRecord = {
      testId,
      updatedAt: iso(now),
      ...(next === undefined ? {} : { nextRun: iso(next) }),
    };
    await this.#store.putSchedule(record);
    this.#rearm();
    return record;
  }

  /** Forgets a test's schedule. */
  async clear(testId: string): Promise<boolean> {
    return this.#store.deleteSchedule(testId);
  }

  /** Acts on every firing due now; returns what it recorded. One tick at a time. */
  tick(): Promise<ScheduleEvent[]> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(): Promise<ScheduleEvent[]> {
    const now = this.now();
    const events: ScheduleEvent[] = [];
    for (const s of await this.#store.dueSchedules(iso(now))) {
      try {
        const e = await this.#fire(s, now);
        if (e) events.push(e);
      } catch (err) {
        this.#log(`scheduler: test ${s.testId}: ${(err as Error).stack ?? String(err)}`);
      }
    }
    return events;
  }

  async #fire(s: ScheduleRecord, now: number): Promise<ScheduleEvent | undefined> {
    const firing = s.nextRun as string;
    const test = await this.#store.getTest(s.testId);
    const check = test?.schedule ? parseSchedule(test.schedule) : undefined;
    if (!test || !check?.ok) {
      // The test went, or its schedule did: nothing to fire (only this firing's claimant clears it).
      if (await this.#store.claimFiring(s.testId, firing, undefined, iso(now))) await this.clear(s.testId);
      return undefined;
    }
    const next = nextFiring(check.spec, now);
    if (!(await this.#store.claimFiring(s.testId, firing, next === undefined ? undefined : iso(next), iso(now)))) {
      return undefined; // another server took it
    }
    const dueMs = Date.parse(firing);
    const late = now - dueMs > this.#o.graceMs ? firingsBetween(check.spec, dueMs, now, 1000) : [];
    const lateNote = late.length > 0 ? missedNote(late, now) : undefined;
    if (lateNote && check.spec.missed === 'skip')
      return this.#record(test, firing, now, 'missed', { detail: lateNote });
    const run = await this.#start(test);
    if ('error' in run) return this.#record(test, firing, now, 'failed', { detail: run.error });
    if (!run.started) {
      const previous = await this.#store.latestRun(test.testId);
      const detail = `run ${previous?.runId ?? '?'} (${previous?.status ?? 'unknown'}) had not ended`;
      return this.#record(test, firing, now, 'overlap', { detail });
    }
    const detail = lateNote ? `${lateNote}; ran once at start` : undefined;
    return this.#record(test, firing, now, 'started', { runId: run.started.runId, ...(detail ? { detail } : {}) });
  }

  async #start(test: TestRecord): Promise<{ started?: RunRecord } | { error: string }> {
    if (test.fileType !== 'none' && test.scriptKey === undefined) {
      return { error: `the test's ${test.fileType} was never uploaded` };
    }
    try {
      return { started: await this.#starter.start(test) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  async #record(
    test: TestRecord,
    firing: string,
    now: number,
    outcome: ScheduleOutcome,
    more: { runId?: string; detail?: string },
  ): Promise<ScheduleEvent> {
    const event: ScheduleEvent = { eventId: newId(), testId: test.testId, firing, at: iso(now), outcome, ...more };
    await this.#store.addScheduleEvent(event);
    this.#log(`scheduler: test ${test.testId} firing ${firing}: ${outcome}${more.detail ? ` (${more.detail})` : ''}`);
    return event;
  }

  /** Acts on what is due now (firings missed while no server ran included), then keeps watching. */
  async start(): Promise<void> {
    this.#running = true;
    await this.#loop();
  }

  async #loop(): Promise<void> {
    if (!this.#running) return;
    try {
      await this.tick();
    } catch (e) {
      this.#log(`scheduler: ${(e as Error).stack ?? String(e)}`);
    }
    this.#rearm();
  }

  /** Sleeps until the earliest next run, or the poll interval, whichever comes first. */
  #rearm(): void {
    if (!this.#running) return;
    void this.#store.nextScheduledRun().then(
      (next) => {
        if (!this.#running) return;
        const wait = next === undefined ? this.#o.pollMs : Date.parse(next) - this.now();
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => void this.#loop(), Math.max(0, Math.min(wait, this.#o.pollMs)));
        this.#timer.unref();
      },
      (e) => this.#log(`scheduler: ${(e as Error).message}`),
    );
  }

  /** Stops the loop and waits for a tick in flight. */
  async close(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#ticking?.catch(() => {});
  }
}

function missedNote(late: readonly number[], now: number): string {
  const n = late.length >= 1000 ? 'at least 1000' : String(late.length);
  const span = late.length > 1 ? ` from ${iso(late[0])} to ${iso(late[late.length - 1])}` : ` at ${iso(late[0])}`;
  return `${n} firing${late.length === 1 ? '' : 's'} missed${span} while no server was running (acted on at ${iso(now)})`;
}
