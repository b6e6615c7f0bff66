import type { SearchProgress } from '../types.js';

/** Trials done out of the target, and an ETA from the mean duration of the trials trained so far. */
export class ProgressTracker {
  private readonly trainSeconds: number[] = [];

  constructor(
    public done: number,
    private readonly target: number,
    private readonly concurrency: number,
    private readonly secondsLeft: () => number,
  ) {}

  finished(trainedSeconds: number | null): void {
    this.done += 1;
    if (trainedSeconds !== null) this.trainSeconds.push(trainedSeconds);
  }

  now(): SearchProgress {
    const { done, target } = this;
    const remaining = Math.max(0, target - done);
    if (this.trainSeconds.length === 0) return { done, target, etaSeconds: remaining === 0 ? 0 : null };
    const mean = this.trainSeconds.reduce((a, b) => a + b, 0) / this.trainSeconds.length;
    const byTrials = (mean * remaining) / Math.max(1, this.concurrency);
    // With a time limit, no trial starts after it: the search ends then, give or take the trials in flight.
    const byTime = this.secondsLeft() + mean;
    return { done, target, etaSeconds: Math.min(byTrials, byTime) };
  }
}
