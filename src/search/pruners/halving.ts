import type { Pruner } from './types.js';

export interface HalvingOptions {
  /** Reduction factor: each rung promotes the top 1/eta of the trials that reached it. */
  eta: number;
  /** The first rung; the others sit at minEpochs x eta^k. */
  minEpochs: number;
}

/**
 * Successive halving in the ASHA style (Optuna's SuccessiveHalvingPruner): at a rung epoch, a trial goes on
 * only if its validation accuracy is among the top 1/eta of those that reached the rung (itself included;
 * while fewer than eta have, only the best goes on). It compares with trials of earlier batches only, so a
 * verdict never depends on timing and a resumed search prunes as an uninterrupted one.
 */
export function successiveHalvingPruner(options: HalvingOptions): Pruner {
  return {
    name: 'halving',
    shouldPrune(trial, report, history) {
      if (!isRung(report.epoch, options)) return false;
      const competing = [...history.valAccReached(report.epoch, trial.batch), report.valAcc].sort((a, b) => b - a);
      const promotable = Math.max(0, Math.floor(competing.length / options.eta) - 1);
      return report.valAcc < competing[promotable]!;
    },
  };
}

/** Whether `epoch` is minEpochs x eta^k for some k >= 0. */
export function isRung(epoch: number, { eta, minEpochs }: HalvingOptions): boolean {
  for (let rung = minEpochs; rung <= epoch; rung *= eta) if (rung === epoch) return true;
  return false;
}
