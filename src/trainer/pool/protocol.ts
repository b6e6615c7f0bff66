/** Messages between the pool (parent) and a trainer worker process, sent with 'advanced' serialisation. */
import type { BackendName, BatchProgress, EpochMetrics, EpochVerdict, FailureCause, TrainJob, TrainResult } from '../types.js';

export interface WorkerConfig {
  backend: BackendName;
  threads?: number;
}

export type ToWorker =
  | { type: 'job'; id: number; job: TrainJob }
  | { type: 'verdict'; id: number; epoch: number; verdict: EpochVerdict };

export type FromWorker =
  | { type: 'ready'; backend: string; notes: string[] }
  /** The worker could not start (e.g. the requested backend is not available); it exits after this. */
  | { type: 'fatal'; error: string }
  | { type: 'epoch'; id: number; metrics: EpochMetrics }
  /** Progress inside an epoch, at most every PROGRESS_INTERVAL_MS. */
  | { type: 'progress'; id: number; progress: BatchProgress }
  /** `leaked`: tensors alive after the job beyond the worker's baseline (the pool then recycles the worker). */
  | { type: 'result'; id: number; result: TrainResult; leaked: number }
  | { type: 'failed'; id: number; cause: FailureCause; error: string; leaked: number };
