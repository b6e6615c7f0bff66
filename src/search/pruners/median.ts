import type { Pruner } from './types.js';

/**
 * Median pruning: stop a trial whose validation accuracy after an epoch is below the median of the completed
 * trials of earlier batches at the same epoch, once there are `minTrials` of them.
 */
export function medianPruner(minTrials: number): Pruner {
  return {
    name: 'median',
    shouldPrune(trial, report, history) {
      const earlier = history.valAccAtEpoch(report.epoch, trial.batch);
      if (earlier.length < minTrials || earlier.length === 0) return false;
      return report.valAcc < median(earlier);
    },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
