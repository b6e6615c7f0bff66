import type { EpochVerdict } from '../trainer/types.js';

/**
 * Median pruning: stop a trial whose validation accuracy after an epoch is below the median of earlier
 * completed trials at the same epoch. `earlier` must not depend on timing (the search passes the trials of
 * finished batches only), so a resumed search prunes exactly as an uninterrupted one.
 */
export function medianVerdict(valAcc: number, earlier: readonly number[], minTrials: number): EpochVerdict {
  if (earlier.length < minTrials || earlier.length === 0) return 'continue';
  return valAcc < median(earlier) ? 'prune' : 'continue';
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
