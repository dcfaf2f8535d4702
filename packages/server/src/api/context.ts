/** What the routes work with: the server's parts and its limits. */
import type { Artifacts } from '../artifacts/artifacts.ts';
import type { Auth } from '../auth/auth.ts';
import type { AgentHub } from '../hub/agent-hub.ts';
import type { LiveFeed } from '../live-feed.ts';
import type { Orchestrator } from '../orchestrator/orchestrator.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { Store } from '../store/store.ts';

export interface ApiLimits {
  /** Largest JSON body, bytes. */
  readonly bodyBytes: number;
  /** Largest script or zip upload, bytes (the seed's 50 MB). */
  readonly uploadBytes: number;
  /** Most files in an uploaded zip. */
  readonly zipEntries: number;
  /** Most bytes an uploaded zip may unpack to. */
  readonly zipUnpackedBytes: number;
  /** Most tasks in one region of one run, where no launcher sets its own. */
  readonly tasksPerRegion: number;
  /** Most bytes a live-stream subscriber may leave unread; past it its stream is ended. */
  readonly liveBufferedBytes: number;
}

export const defaultLimits: ApiLimits = {
  bodyBytes: 1024 * 1024,
  uploadBytes: 50 * 1024 * 1024,
  zipEntries: 1000,
  zipUnpackedBytes: 200 * 1024 * 1024,
  tasksPerRegion: 100,
  liveBufferedBytes: 8 * 1024 * 1024,
};

export interface ApiContext {
  readonly store: Store;
  readonly artifacts: Artifacts;
  readonly auth: Auth;
  readonly orchestrator: Orchestrator;
  readonly hub: AgentHub;
  readonly live: LiveFeed;
  readonly scheduler: Scheduler;
  readonly limits: ApiLimits;
}

/** Regions a test may name: those with a launcher and those with a connected agent. */
export function knownRegions(ctx: ApiContext): string[] {
  return [...new Set([...ctx.orchestrator.launcherRegions, ...ctx.hub.agents().map((a) => a.region)])].sort();
}
