/** A trial as the target sees it: its canonical hash, in sequence order. */
export interface CountedTrial {
  hash: string;
}

/**
 * When the search has done enough. It sizes each batch before the strategy is asked, and may drop the tail of
 * the proposals it got; both depend only on the trials so far, so a resume decides the same.
 */
export interface TrialTarget {
  /** Trials the search aims at (for progress and the summary). */
  readonly total: number;
  /** How many proposals to ask for next (0: the search is done). */
  nextBatch(trials: readonly CountedTrial[], strategyBatch: number): number;
  /** How many of the proposals, in order, are queued. */
  admit(proposed: readonly CountedTrial[], trials: readonly CountedTrial[]): number;
}

/** `nas search --trials N`: N trials, duplicates included. */
export function trialCount(total: number): TrialTarget {
  return {
    total,
    nextBatch: (trials, strategyBatch) => Math.max(0, Math.min(strategyBatch, total - trials.length)),
    admit: (proposed) => proposed.length,
  };
}

/**
 * The NAS-Bench-201 protocol: `budget` distinct architectures evaluated, a repeat served from the stored result
 * without counting, at most `maxSamples` trials in all.
 */
export function distinctBudget(budget: number, maxSamples: number): TrialTarget {
  const distinct = (trials: readonly CountedTrial[]): Set<string> => new Set(trials.map((t) => t.hash));
  return {
    total: budget,
    nextBatch: (trials, strategyBatch) => (distinct(trials).size < budget && trials.length < maxSamples ? strategyBatch : 0),
    admit(proposed, trials) {
      const seen = distinct(trials);
      let samples = trials.length;
      for (let i = 0; i < proposed.length; i++) {
        const hash = proposed[i]!.hash;
        if ((!seen.has(hash) && seen.size >= budget) || samples >= maxSamples) return i;
        seen.add(hash);
        samples++;
      }
      return proposed.length;
    },
  };
}
