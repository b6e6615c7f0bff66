import type { TrialRecord, TrialResult } from '../../store/index.js';

type Settled = TrialResult | null;

/** Where a duplicate's result comes from: a trial stored earlier, or the first of its kind in this batch. */
export type DuplicateSource =
  | { kind: 'stored'; original: TrialRecord }
  | { kind: 'in-batch'; seq: number; result: Promise<Settled> };

/**
 * An architecture whose canonical hash was already evaluated is not trained again: it gets the stored result
 * (or that of the first trial of its kind in the same batch, once it has one) and the status 'duplicate'.
 */
export class BatchDedup {
  private readonly first = new Map<string, { seq: number; result: Promise<Settled> }>();

  constructor(
    private readonly evaluatedBefore: (hash: string, seq: number) => TrialRecord | undefined,
    private readonly enabled = true,
  ) {}

  sourceOf(trial: TrialRecord): DuplicateSource | null {
    if (!this.enabled) return null;
    const original = this.evaluatedBefore(trial.hash, trial.seq);
    if (original) return { kind: 'stored', original };
    const inBatch = this.first.get(trial.hash);
    return inBatch ? { kind: 'in-batch', ...inBatch } : null;
  }

  /** Records the evaluation of the first trial of its kind in this batch. */
  track(trial: TrialRecord, result: Promise<Settled>): void {
    this.first.set(trial.hash, { seq: trial.seq, result });
  }
}

interface OriginalResult {
  reward: number | null;
  valAcc?: number | null;
  valLoss?: number | null;
  trainAcc?: number | null;
  params?: number | null;
}

/** A duplicate's result: its original's reward and metrics, no training. */
export function duplicateResult(originalSeq: number, original: OriginalResult): TrialResult {
  return {
    status: 'duplicate',
    reward: original.reward ?? 0,
    valAcc: original.valAcc ?? null,
    valLoss: original.valLoss ?? null,
    trainAcc: original.trainAcc ?? null,
    params: original.params ?? null,
    duplicateOf: originalSeq,
    epochsRun: 0,
    durationSeconds: 0,
  };
}
