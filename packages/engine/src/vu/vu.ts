/**
 * One virtual user: its own HTTP client, its variables, and the `VuContext` its program sees.
 * Every request becomes a sample; an iteration that throws is counted, never fatal.
 */
import type {
  HttpRequest,
  HttpResponse,
  PreparedRequest,
  Sample,
  ScriptMetric,
  SendOptions,
  VuContext,
  VuProgram,
} from '@dlt/model';
import type { HttpClient } from '../http/types.ts';
import type { SampleSink } from '../sample-sink.ts';
import { wholeMs } from '../whole-ms.ts';
import { sleep } from './sleep.ts';

/** How an iteration ended; `broken` when the VU's `init` failed and it cannot run at all. */
export type IterationOutcome = 'done' | 'failed' | 'interrupted' | 'broken';

export interface VuOptions {
  /** 1-based, unique in the run. */
  readonly id: number;
  readonly scenario: string;
  readonly program: VuProgram;
  readonly client: HttpClient;
  readonly sink: SampleSink;
  /** Called with what an iteration (or `init`) threw. */
  readonly onError?: (error: unknown) => void;
}

/** A VU. Executors drive it with `runIteration` and `interrupt`; its program sees only `context`. */
export class Vu {
  readonly id: number;
  readonly scenario: string;
  /** What the program gets: the VU's measured, stoppable view of the world. */
  readonly context: VuContext;
  readonly #options: VuOptions;
  /** Made on first use: many programs keep nothing across iterations. */
  #vars: Map<string, unknown> | null = null;
  #iteration = 0;
  #controller = new AbortController();
  /** How late the running iteration started, charged to its first request (null once sent). */
  #lagMs: number | null = null;
  #ready: Promise<boolean> | null = null;
  /** Set once `init` succeeded, so each iteration then starts at once rather than a turn later. */
  #initialised = false;
  /** The VU's own pending sleep, woken by its timer or by `interrupt` (no abort listener per sleep). */
  #wake: (() => void) | null = null;
  /**
   * The sleep timer, kept and re-armed (`refresh`) for the next sleep of the same length: a
   * think time is usually the same each iteration, and a new timer per sleep is an object that
   * lives through the sleep, which with thousands of sleeping VUs the young generation feels.
   */
  #sleepTimer: ReturnType<typeof setTimeout> | undefined;
  #sleepTimerMs = 0;
  readonly #onSleepTimer = (): void => {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  };

  constructor(options: VuOptions) {
    this.id = options.id;
    this.scenario = options.scenario;
    this.#options = options;
    this.context = new VuView(this);
  }

  /** Iterations started so far (the next iteration's 0-based number). */
  get iterations(): number {
    return this.#iteration;
  }

  /** Runs the program's `init` once; resolves false when it threw. */
  init(): Promise<boolean> {
    this.#ready ??= this.#runInit();
    return this.#ready;
  }

  /**
   * Runs one iteration. `intendedAt` (open models) is when it should have started: the lag
   * until it really starts is added to its first request's latency, so a late start is seen.
   * Once the VU is initialised the program runs synchronously up to its first wait, so an
   * open model's arrival is sent in the same turn as the scheduler starts it.
   */
  runIteration(intendedAt?: number): Promise<IterationOutcome> {
    if (this.#initialised) return this.#iterate(intendedAt);
    return this.init().then((ok) => (ok ? this.#iterate(intendedAt) : 'broken'));
  }

  /** Hard stop: aborts the running iteration (its requests and sleeps end at once). */
  interrupt(): void {
    this.#controller.abort();
    clearTimeout(this.#sleepTimer);
    this.#sleepTimer = undefined;
    this.#onSleepTimer();
  }

  /** Closes the VU's connections. */
  close(): void {
    this.interrupt();
    this.#options.client.close();
  }

  /** The program's `vars`. */
  get vars(): Map<string, unknown> {
    this.#vars ??= new Map();
    return this.#vars;
  }

  /** The program's `signal`: aborted when the VU must stop. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The program's `prepare`. */
  prepare(request: HttpRequest): PreparedRequest {
    return this.#options.client.prepare(request);
  }

  /** The program's `record`: a sample no single request made, tagged with this VU's scenario. */
  record(sample: Omit<Sample, 'scenario'>): void {
    this.#options.sink.record({ ...sample, scenario: this.scenario });
  }

  /** The program's `metric`: a check outcome or custom metric value of a script (k6). */
  metric(point: ScriptMetric): void {
    this.#options.sink.recordMetric?.(this.scenario, point);
  }

  /** The program's `sleep`: resolves after `ms`, or at once when the VU is stopped. */
  sleep(ms: number): Promise<void> {
    const signal = this.#controller.signal;
    if (signal.aborted || !(ms > 0)) return Promise.resolve();
    // A second sleep while one is pending (a program sleeping in parallel) takes the general way.
    if (this.#wake !== null) return sleep(ms, signal);
    return new Promise((resolve) => {
      this.#wake = resolve;
      const whole = wholeMs(ms);
      if (this.#sleepTimer !== undefined && this.#sleepTimerMs === whole) this.#sleepTimer.refresh();
      else {
        clearTimeout(this.#sleepTimer);
        this.#sleepTimer = setTimeout(this.#onSleepTimer, whole);
        this.#sleepTimerMs = whole;
      }
    });
  }

  async #iterate(intendedAt: number | undefined): Promise<IterationOutcome> {
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    const signal = this.#controller.signal;
    const startedAt = performance.now();
    const lagMs = intendedAt === undefined ? undefined : Math.max(0, startedAt - intendedAt);
    this.#lagMs = lagMs ?? null;
    let failed = false;
    try {
      await this.#options.program.iteration(this.context);
    } catch (error) {
      failed = !signal.aborted;
      if (failed) this.#options.onError?.(error);
    }
    this.#lagMs = null;
    this.#iteration++;
    const interrupted = signal.aborted;
    this.#options.sink.recordIteration(this.scenario, performance.now() - startedAt, interrupted, lagMs);
    return interrupted ? 'interrupted' : failed ? 'failed' : 'done';
  }

  async #runInit(): Promise<boolean> {
    try {
      await this.#options.program.init?.(this.context);
      this.#initialised = true;
      return true;
    } catch (error) {
      this.#options.onError?.(error);
      return false;
    }
  }

  /** The program's `send`. */
  async send(request: PreparedRequest | HttpRequest, options?: SendOptions): Promise<HttpResponse> {
    const signal = this.#controller.signal;
    const req = 'request' in request ? request.request : request;
    const startedAt = performance.now();
    const intendedAt = this.#lagMs === null ? startedAt : startedAt - this.#lagMs;
    this.#lagMs = null;
    const res = await this.#options.client.send(request, signal);
    const endedAt = performance.now();
    // A request the engine itself cut short (hard stop) measures nothing about the target.
    if (res.error === 'aborted' && signal.aborted) return res;
    const measured = toSample(req, res, this.scenario, intendedAt, startedAt, endedAt);
    const expected = options?.expected?.(res);
    const sample = expected === undefined ? measured : { ...measured, expected };
    const refused = options?.verify?.(res) ?? null;
    this.#options.sink.record(
      refused === null || sample.error !== null ? sample : { ...sample, error: 'assertion', errorMessage: refused },
    );
    return res;
  }
}

/**
 * The `VuContext` a program sees: one small object per VU whose methods live on the prototype
 * (an object literal of arrow functions and getters cost ~1 KB per VU, which 10,000 idle VUs
 * feel). Methods need their `this`: programs call them as `ctx.send(...)`.
 */
class VuView implements VuContext {
  readonly #vu: Vu;

  constructor(vu: Vu) {
    this.#vu = vu;
  }

  get vu(): number {
    return this.#vu.id;
  }

  get scenario(): string {
    return this.#vu.scenario;
  }

  get iteration(): number {
    return this.#vu.iterations;
  }

  get signal(): AbortSignal {
    return this.#vu.signal;
  }

  get vars(): Map<string, unknown> {
    return this.#vu.vars;
  }

  prepare(request: HttpRequest): PreparedRequest {
    return this.#vu.prepare(request);
  }

  send(request: PreparedRequest | HttpRequest, options?: SendOptions): Promise<HttpResponse> {
    return this.#vu.send(request, options);
  }

  record(sample: Omit<Sample, 'scenario'>): void {
    this.#vu.record(sample);
  }

  metric(point: ScriptMetric): void {
    this.#vu.metric(point);
  }

  sleep(ms: number): Promise<void> {
    return this.#vu.sleep(ms);
  }
}

function toSample(
  req: HttpRequest,
  res: HttpResponse,
  scenario: string,
  intendedAt: number,
  startedAt: number,
  endedAt: number,
): Sample {
  const sample: Sample = {
    label: req.label,
    scenario,
    method: req.method,
    status: res.status,
    error: res.error,
    intendedAt,
    startedAt,
    firstByteAt: res.status > 0 ? Math.max(startedAt, endedAt - res.timings.receive) : endedAt,
    endedAt,
    timings: res.timings,
    bytesSent: res.bytesSent,
    bytesReceived: res.bytesReceived,
  };
  return res.errorMessage === undefined ? sample : { ...sample, errorMessage: res.errorMessage };
}
