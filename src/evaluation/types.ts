/**
 * The contract between the search and whatever scores a candidate: a request (which trial, which candidate,
 * what it may spend, its seed and attempt) becomes an outcome (completed, pruned or failed, with metrics).
 * Training from scratch, a benchmark table, shared weights or a remote worker all sit behind it.
 */
import type { Candidate } from '../space/types.js';

/** What one evaluation may spend. */
export interface EvaluationBudget {
  epochs: number;
  /** Train on at most this many examples (a cheap proxy). */
  trainLimit?: number;
  /** Score on at most this many validation examples. */
  valLimit?: number;
}

export interface EvaluationRequest {
  trialId: number;
  seq: number;
  candidate: Candidate;
  budget: EvaluationBudget;
  seed: number;
  /** 1 for the first try of this trial, 2 after it was interrupted once, ... */
  attempt: number;
}

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  seconds: number;
  /** Epochs this evaluation will run in all, as planned after this one. */
  plannedEpochs?: number;
}

/** Progress inside an epoch, a few times a second at most; reporting it changes nothing that is evaluated. */
export interface BatchReport {
  epoch: number;
  /** Epochs this evaluation will run in all, as planned now. */
  epochs: number;
  /** Steps done in this epoch, of `batches`. */
  batch: number;
  batches: number;
  /** Images trained in this epoch so far, of `epochImages`. */
  images: number;
  epochImages: number;
  imagesPerSecond: number;
  /** Since this evaluation's training started. */
  elapsedSeconds: number;
  /** Until this epoch's steps are done, and the last planned epoch's, at the current pace. */
  epochEtaSeconds: number;
  runEtaSeconds: number;
  /** What computes, e.g. 'wasm with 2 threads'; null when unknown. */
  backend: string | null;
}

/** What the epoch hook answers: go on, or stop this evaluation (pruned). */
export type EpochVerdict = 'continue' | 'prune';

export interface EvaluationHooks {
  onEpoch?: (report: EpochReport) => EpochVerdict | Promise<EpochVerdict>;
  /** Progress inside an epoch; evaluators that cannot tell never call it. */
  onProgress?: (report: BatchReport) => void;
  signal?: AbortSignal;
}

export interface OutcomeMetrics {
  valAcc: number;
  valLoss: number | null;
  trainAcc: number | null;
  params: number | null;
  epochsRun: number;
  backend: string | null;
}

/** Failed trials are values, not exceptions: an evaluator throws only for its own bugs. */
export type EvaluationOutcome =
  | { status: 'completed' | 'pruned'; metrics: OutcomeMetrics; worker: string | null }
  | { status: 'failed'; error: string; worker: string | null; metrics?: OutcomeMetrics };

export interface Evaluator {
  evaluate(request: EvaluationRequest, hooks?: EvaluationHooks): Promise<EvaluationOutcome>;
  close(): Promise<void>;
}
