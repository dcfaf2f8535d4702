/**
 * A remote agent: dials the server, says who it is (region, cores, slots), takes tasks up to
 * its slots and runs each as a `RemoteTask`. It keeps running through lost connections (the
 * channel reconnects and says which tasks are still running) and ends when its signal aborts
 * (every task stopped, its result uploaded within `drainMs`) or when the server refuses it.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { createClient, type DltClient } from '@dlt/client';
import { agentConnectPath, protocolVersion, type ServerMessage, type TaskUpload } from '@dlt/model';
import type { Limits } from '@dlt/scripts';
import type { Backoff } from './backoff.ts';
import { type ClockEstimate, ControlChannel } from './control-channel.ts';
import { RemoteTask } from './remote-task.ts';
import { uploadUntilAcknowledged } from './upload.ts';

export interface AgentOptions {
  /** The server's base URL, `http(s)://host:port`. */
  readonly server: string;
  /** An agent token (`POST /api/tokens` with role `agent`). */
  readonly token: string;
  readonly region: string;
  /** Tasks run at once (default 1). */
  readonly slots?: number;
  /** Shown in the server's agent list (default the host name). */
  readonly name?: string;
  readonly version?: string;
  /** Abort to stop: running tasks are interrupted and their results uploaded. */
  readonly signal?: AbortSignal;
  /** How long a stop waits for uploads before giving up, ms (default 15 s). */
  readonly drainMs?: number;
  readonly backoff?: Backoff;
  readonly heartbeatMs?: number;
  readonly limits?: Partial<Limits>;
  readonly log?: (line: string) => void;
}

/** How an agent ended: stopped by its owner, or refused by the server (with the reason). */
export type AgentExit = { readonly kind: 'stopped' } | { readonly kind: 'refused'; readonly reason: string };

/** Runs an agent until it is stopped or refused. */
export function runAgent(options: AgentOptions): Promise<AgentExit> {
  return new RemoteAgent(options).run();
}

class RemoteAgent {
  readonly #o: AgentOptions;
  readonly #id = randomUUID();
  readonly #tasks = new Map<string, RemoteTask>();
  readonly #channel: ControlChannel;
  readonly #client: DltClient;
  readonly #log: (line: string) => void;
  #clock: ClockEstimate = { offsetMs: 0, rttMs: 0 };
  #end?: (exit: AgentExit) => void;

  constructor(options: AgentOptions) {
    this.#o = options;
    this.#log = options.log ?? (() => {});
    this.#client = createClient({ baseUrl: options.server, token: options.token });
    const url = new URL(agentConnectPath, options.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.#channel = new ControlChannel({
      url: url.href,
      token: options.token,
      hello: () => ({
        type: 'hello',
        protocol: protocolVersion,
        agentId: this.#id,
        name: options.name ?? hostname(),
        region: options.region,
        version: options.version ?? '0.0.0',
        cores: availableParallelism(),
        slots: this.#slots,
        running: [...this.#tasks.keys()],
      }),
      onWelcome: (_w, clock) => {
        this.#clock = clock;
        this.#log(`connected to ${options.server} as ${this.#id} (region ${options.region}, ${this.#slots} slots)`);
      },
      onMessage: (m) => this.#receive(m),
      onRefused: (reason) => void this.#stop({ kind: 'refused', reason }),
      log: this.#log,
      backoff: options.backoff,
      busy: () => this.#tasks.size > 0,
      heartbeatMs: options.heartbeatMs,
    });
  }

  get #slots(): number {
    return this.#o.slots ?? 1;
  }

  run(): Promise<AgentExit> {
    const done = new Promise<AgentExit>((resolve) => {
      this.#end = resolve;
    });
    const signal = this.#o.signal;
    if (signal?.aborted) return this.#stop({ kind: 'stopped' }).then(() => done);
    signal?.addEventListener('abort', () => void this.#stop({ kind: 'stopped' }), { once: true });
    this.#channel.open();
    return done;
  }

  #receive(m: ServerMessage): void {
    switch (m.type) {
      case 'ping':
        this.#channel.sendLive({ type: 'pong', id: m.id, agentTime: Date.now() });
        return;
      case 'assign':
        this.#assign(m);
        return;
      case 'start':
        this.#tasks.get(m.taskId)?.start(m.atServerMs);
        return;
      case 'cancel':
        this.#tasks.get(m.taskId)?.cancel(m.reason);
        return;
      case 'welcome':
      case 'refused':
        // The channel handles these before anything reaches here.
        return;
      default: {
        // A newer server may say more than this agent knows; the switch stays exhaustive.
        const unknown: never = m;
        this.#log(`ignored a message of unknown type ${JSON.stringify((unknown as { type?: unknown }).type)}`);
      }
    }
  }

  #assign(m: Extract<ServerMessage, { type: 'assign' }>): void {
    const { taskId } = m.task;
    const known = this.#tasks.get(taskId);
    if (known) {
      known.resend();
      return;
    }
    if (this.#tasks.size >= this.#slots) {
      const reason = `no free slot on agent ${this.#o.name ?? hostname()} (${this.#slots} busy)`;
      this.#channel.send({ type: 'failed', taskId, reason });
      return;
    }
    const clock = { offsetMs: m.clockOffsetMs, rttMs: m.rttMs ?? this.#clock.rttMs };
    const task = new RemoteTask(m.task, clock, {
      send: (msg) => {
        // A task that has said its last word no longer takes a slot.
        if (msg.type === 'done' || msg.type === 'failed') this.#tasks.delete(taskId);
        this.#channel.send(msg);
      },
      upload: (u, signal) => this.#upload(u, signal),
      log: this.#log,
      limits: this.#o.limits,
      fetchBundle: (url, signal) => this.#client.downloadTaskBundle(url, signal),
    });
    this.#log(`task ${taskId} of run ${m.task.runId} assigned`);
    this.#tasks.set(taskId, task);
    void task.prepare();
  }

  #upload(upload: TaskUpload, signal: AbortSignal): Promise<void> {
    const put = (u: TaskUpload, s?: AbortSignal) => this.#client.uploadTaskResult(u, s);
    return uploadUntilAcknowledged(put, upload, { signal, backoff: this.#o.backoff, log: this.#log }).then((attempts) =>
      this.#log(`task ${upload.taskId}: result uploaded (${attempts} attempt${attempts > 1 ? 's' : ''})`),
    );
  }

  async #stop(exit: AgentExit): Promise<void> {
    if (!this.#end) return;
    const end = this.#end;
    this.#end = undefined;
    if (exit.kind === 'refused') this.#log(`refused by the server: ${exit.reason}`);
    const tasks = [...this.#tasks.values()];
    for (const t of tasks) t.cancel(exit.kind === 'refused' ? 'refused by the server' : 'agent stopping');
    const drained = Promise.all(tasks.map((t) => t.finished));
    const timer = setTimeout(() => {
      for (const t of tasks) t.abandon();
    }, this.#o.drainMs ?? 15_000);
    await drained;
    clearTimeout(timer);
    await this.#channel.close();
    end(exit);
  }
}
