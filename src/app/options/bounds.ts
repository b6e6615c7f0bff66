/**
 * Upper bounds of the numeric options of `nas search`, `nas replay` and `nas train`: far above any value a
 * search needs, low enough that a slip (1e12 for 1e2) is refused at once instead of hanging the run or
 * exhausting the machine. README: "Bounds".
 */
export const OPTION_BOUNDS = {
  trials: 100_000,
  epochs: 10_000,
  /** A batch above this holds gigabytes of activations even for small images. */
  batchSize: 65_536,
  /** Examples (--train-limit, --val-limit): above every dataset nas reads. */
  examples: 10_000_000,
  /** Worker processes; --concurrency is also capped at the cores or GPUs (run-options.ts). */
  concurrency: 1024,
  /** wasm threads per worker. */
  threads: 256,
  /** Seeds are 31-bit, as the trials' own seeds are. */
  seed: 2_147_483_647,
  pruneMinTrials: 100_000,
  halvingEta: 100,
  /** Epochs of a trial's first rung: no more than the epochs a trial may train. */
  halvingMinEpochs: 10_000,
  maxConsecutiveFailures: 100_000,
  sharedSteps: 100_000,
  sharedWarmup: 10_000_000,
  retrainTop: 1_000,
} as const;
