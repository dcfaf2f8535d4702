/**
 * What a launcher that starts agents elsewhere (a Kubernetes Job, ECS tasks) hands them: the
 * server's address as they can reach it, and an agent token of their own for each run, revoked
 * when the run's agents are stopped — by the run id alone, so a restarted server revokes the
 * tokens its previous life issued too.
 */

export interface AgentAccess {
  /** The URL launched agents dial (`serverUrl` of the launcher configuration, else the server's own). */
  serverUrl(): string;
  /** A fresh agent-role token for one run's agents. */
  issueToken(runId: string): Promise<string>;
  /** Deletes every token issued for the run; agents still using one are refused from then on. */
  revokeTokens(runId: string): Promise<void>;
}

/** One token per run for one launcher: issued on the run's first launch, revoked when it stops. */
export class RunTokens {
  readonly #access: AgentAccess;
  readonly #tokens = new Map<string, Promise<string>>();

  constructor(access: AgentAccess) {
    this.#access = access;
  }

  /** The run's token, issued on first use. */
  get(runId: string): Promise<string> {
    let t = this.#tokens.get(runId);
    if (!t) {
      t = this.#access.issueToken(runId);
      this.#tokens.set(runId, t);
    }
    return t;
  }

  async revoke(runId: string): Promise<void> {
    this.#tokens.delete(runId);
    await this.#access.revokeTokens(runId);
  }

  get serverUrl(): string {
    return this.#access.serverUrl();
  }
}
