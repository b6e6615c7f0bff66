import type { BatchProgress } from '../types.js';

/** How often training reports inside an epoch: fresh enough for a live line, rare enough to cost nothing measurable. */
export const PROGRESS_INTERVAL_MS = 500;

export interface ProgressMeterOptions {
  intervalMs?: number;
  /** Milliseconds (tests pass their own clock). */
  now?: () => number;
}

/**
 * Measures progress inside the epochs of one run, and says when a report is due (at most every `intervalMs`).
 * The pace is that of the latter half of the epoch's steps so far: the first steps carry one-off costs
 * (kernel set-up and memory growth in the first epoch, shuffling), which would otherwise skew the ETAs.
 */
export class ProgressMeter {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly runStart: number;
  private lastReport: number;
  /** When each step of this epoch ended, and the images trained by then (index 0: the epoch's start). */
  private stepEnds: number[] = [];
  private imagesAt: number[] = [];
  private batch = 0;
  private images = 0;

  constructor(private readonly batches: number, private readonly epochImages: number, options: ProgressMeterOptions = {}) {
    this.intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
    this.now = options.now ?? (() => performance.now());
    this.runStart = this.now();
    this.lastReport = this.runStart;
  }

  startEpoch(): void {
    this.stepEnds = [this.now()];
    this.imagesAt = [0];
    this.batch = 0;
    this.images = 0;
  }

  /** After a step of `count` images; a report when one is due, else null. */
  step(epoch: number, epochs: number, count: number): BatchProgress | null {
    const now = this.now();
    this.batch += 1;
    this.images += count;
    this.stepEnds.push(now);
    this.imagesAt.push(this.images);
    if (now - this.lastReport < this.intervalMs) return null;
    this.lastReport = now;
    return this.report(epoch, epochs, now);
  }

  private report(epoch: number, epochs: number, now: number): BatchProgress {
    const pace = this.pace(now);
    const stepsLeftInEpoch = Math.max(0, this.batches - this.batch);
    const epochEtaSeconds = stepsLeftInEpoch * pace.secondsPerStep;
    return {
      epoch,
      epochs,
      batch: this.batch,
      batches: this.batches,
      images: this.images,
      epochImages: this.epochImages,
      imagesPerSecond: pace.imagesPerSecond,
      elapsedSeconds: (now - this.runStart) / 1000,
      epochEtaSeconds,
      runEtaSeconds: epochEtaSeconds + Math.max(0, epochs - epoch) * this.batches * pace.secondsPerStep,
    };
  }

  private pace(now: number): { secondsPerStep: number; imagesPerSecond: number } {
    // From the end of step `from` on; the first step counts only while it is the only one.
    const from = this.batch >= 2 ? Math.max(1, Math.floor(this.batch / 2)) : 0;
    const seconds = Math.max((now - this.stepEnds[from]!) / 1000, 1e-9);
    return { secondsPerStep: seconds / (this.batch - from), imagesPerSecond: (this.images - this.imagesAt[from]!) / seconds };
  }
}
