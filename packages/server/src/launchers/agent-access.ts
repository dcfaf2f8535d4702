/**
 * What a launcher that starts agents elsewhere (a Kubernetes Job, ECS tasks) hands them: the
 * server's address as they can reach it, and an agent token of their own for each run, revoked
 * when the run's agents are stopped.
 */

export interface RunToken {
  readonly token: string;
  /** Deletes the token; agents still using it are refused from then on. */
  revoke(): Promise<void>;
}

export interface AgentAccess {
  /** The URL launched agents dial (`serverUrl` of the launcher configuration, else the server's own). */
  serverUrl(): string;
  /** A fresh agent-role token for one run's agents. */
  issueToken(runId: string): Promise<RunToken>;
}

/** Keeps each run's token until the run's agents are stopped. */
export class RunTokens {
  readonly #access: AgentAccess;
  readonly #tokens = new Map<string, RunToken>();

  constructor(access: AgentAccess) {
    this.#access = access;
  }

  /** The run's token, issued on first use. */
  async get(runId: string): Promise<string> {
    let t = this.#tokens.get(runId);
    if (!t) {
      t = await this.#access.issueToken(runId);
      this.#tokens.set(runId, t);
    }
    return t.token;
  }

  /** Revokes the run's token (nothing when this process never issued one). */
  async revoke(runId: string): Promise<void> {
    const t = this.#tokens.get(runId);
    this.#tokens.delete(runId);
    await t?.revoke();
  }

  get serverUrl(): string {
    return this.#access.serverUrl();
  }
}
