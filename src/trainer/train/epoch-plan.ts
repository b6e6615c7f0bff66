import type { HyperParams } from '../types.js';

/**
 * How many epochs a run trains: `epochs`, or under a time limit as many of them as fit at the pace measured
 * so far. The plan is made after the first epoch and only ever shrinks after that, so a cosine schedule
 * decays over the epochs actually trained (a shrink late in a run steps the learning rate down a little).
 */
export class EpochPlan {
  private planned: number;

  constructor(private readonly hyper: Pick<HyperParams, 'epochs' | 'timeLimitSeconds'>, private readonly stepsPerEpoch: number) {
    this.planned = hyper.epochs;
  }

  get epochs(): number {
    return this.planned;
  }

  get totalSteps(): number {
    return this.planned * this.stepsPerEpoch;
  }

  /** The plan of a run continued from a checkpoint. */
  restore(planned: number): void {
    this.planned = planned;
  }

  /** After `done` epochs that took `elapsedSeconds` in all. */
  update(done: number, elapsedSeconds: number): void {
    const limit = this.hyper.timeLimitSeconds;
    if (limit === undefined || done <= 0) return;
    const fitting = elapsedSeconds > 0 ? Math.floor((limit * done) / elapsedSeconds) : this.planned;
    this.planned = Math.max(done, Math.min(this.planned, fitting));
  }
}
