/**
 * One virtual user: its own HTTP client, its variables, and the `VuContext` its program sees.
 * Every request becomes a sample; an iteration that throws is counted, never fatal.
 */
import type { HttpRequest, HttpResponse, PreparedRequest, Sample, SendOptions, VuContext, VuProgram } from '@dlt/model';
import type { HttpClient } from '../http/types.ts';
import type { SampleSink } from '../sample-sink.ts';
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
  readonly #vars = new Map<string, unknown>();
  readonly #options: VuOptions;
  #iteration = 0;
  #controller = new AbortController();
  /** How late the running iteration started, charged to its first request (null once sent). */
  #lagMs: number | null = null;
  #ready: Promise<boolean> | null = null;

  constructor(options: VuOptions) {
    this.id = options.id;
    this.scenario = options.scenario;
    this.#options = options;
    this.context = this.#makeContext();
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
   */
  async runIteration(intendedAt?: number): Promise<IterationOutcome> {
    if (!(await this.init())) return 'broken';
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

  /** Hard stop: aborts the running iteration (its requests and sleeps end at once). */
  interrupt(): void {
    this.#controller.abort();
  }

  /** Closes the VU's connections. */
  close(): void {
    this.#controller.abort();
    this.#options.client.close();
  }

  async #runInit(): Promise<boolean> {
    try {
      await this.#options.program.init?.(this.context);
      return true;
    } catch (error) {
      this.#options.onError?.(error);
      return false;
    }
  }

  async #send(request: PreparedRequest | HttpRequest, options?: SendOptions): Promise<HttpResponse> {
    const signal = this.#controller.signal;
    const req = 'request' in request ? request.request : request;
    const startedAt = performance.now();
    const intendedAt = this.#lagMs === null ? startedAt : startedAt - this.#lagMs;
    this.#lagMs = null;
    const res = await this.#options.client.send(request, signal);
    const endedAt = performance.now();
    // A request the engine itself cut short (hard stop) measures nothing about the target.
    if (res.error === 'aborted' && signal.aborted) return res;
    const sample = toSample(req, res, this.scenario, intendedAt, startedAt, endedAt);
    const refused = options?.verify?.(res) ?? null;
    this.#options.sink.record(
      refused === null || sample.error !== null ? sample : { ...sample, error: 'assertion', errorMessage: refused },
    );
    return res;
  }

  #makeContext(): VuContext {
    const vu = this;
    return {
      vu: this.id,
      scenario: this.scenario,
      vars: this.#vars,
      get iteration() {
        return vu.#iteration;
      },
      get signal() {
        return vu.#controller.signal;
      },
      prepare: (request) => this.#options.client.prepare(request),
      send: (request, options) => this.#send(request, options),
      record: (sample) => this.#options.sink.record({ ...sample, scenario: this.scenario }),
      metric: (point) => this.#options.sink.recordMetric?.(this.scenario, point),
      sleep: (ms) => sleep(ms, this.#controller.signal),
    };
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
