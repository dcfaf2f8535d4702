/**
 * The pool launcher starts nothing: the agents of its regions are already running somewhere and
 * dialled in (`dlt agent --server URL --token T --region R`), and any of them with a free slot
 * takes any task of its region. It refuses a run at once when its region has no agent at all, so
 * the run fails saying so instead of waiting for the provisioning timeout.
 */

import type { Launcher } from '../orchestrator/launcher.ts';
import type { RunRecord, TaskRecord } from '../store/store.ts';

export interface PoolLauncherOptions {
  readonly regions: readonly string[];
  /** How many agents of a region are connected now. */
  readonly agentCount: (region: string) => number;
  /** Most tasks of one run in one region (default 100, the seed's limit). */
  readonly maxTasks?: number;
}

export class PoolLauncher implements Launcher {
  readonly kind = 'pool';
  readonly binding = 'any';
  readonly regions: readonly string[];
  readonly maxTasks: number;
  readonly #count: (region: string) => number;

  constructor(o: PoolLauncherOptions) {
    this.regions = o.regions;
    this.maxTasks = o.maxTasks ?? 100;
    this.#count = o.agentCount;
  }

  async launch(_run: RunRecord, region: string, _tasks: readonly TaskRecord[]): Promise<void> {
    if (this.#count(region) > 0) return;
    throw new Error(
      `no agent of pool region ${region} is connected; start one with: dlt agent --server URL --token T --region ${region}`,
    );
  }

  async stop(): Promise<void> {}
  onExit(): void {}
  async close(): Promise<void> {}
}
