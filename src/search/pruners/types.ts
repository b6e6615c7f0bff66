import type { EpochReport } from '../../evaluation/types.js';

/** The trial being judged, as a pruner may see it. */
export interface PrunedTrial {
  seq: number;
  /** Its batch: a pruner compares only with trials of earlier batches, so timing never changes a verdict. */
  batch: number;
  epochs: number;
}

/** What is stored of the other trials, for a pruner to compare with. */
export interface PruningHistory {
  /** Validation accuracy at `epoch` of the completed trials of batches before `beforeBatch`. */
  valAccAtEpoch(epoch: number, beforeBatch: number): number[];
  /** The same for every trial of those batches that reached `epoch`: completed, or pruned at or after it. */
  valAccReached(epoch: number, beforeBatch: number): number[];
}

/**
 * A pruner (Optuna's BasePruner) judges a running trial after an epoch from what is stored; it owns no loop.
 * It is never asked about a trial's last epoch.
 */
export interface Pruner {
  readonly name: string;
  shouldPrune(trial: PrunedTrial, report: EpochReport, history: PruningHistory): boolean;
}
