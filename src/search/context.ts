import type { LeaseKeeper } from './lease-keeper.js';
import type { ProgressTracker } from './policies/progress.js';
import type { StopConditions } from './policies/stop.js';
import type { KillPoint, SearchDeps, SearchEvent } from './types.js';

/** What the parts of one run of the loop share. */
export interface RunContext {
  readonly deps: SearchDeps;
  readonly stops: StopConditions;
  readonly progress: ProgressTracker;
  readonly leases: LeaseKeeper;
  /** Set when an internal error (not a failed trial) ends the run: nothing more is launched. */
  broken: boolean;
  emit(event: SearchEvent): void;
  kill(point: KillPoint): void;
}
