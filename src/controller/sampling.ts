import type { DecisionProcess, NextDecision } from '../space/types.js';
import type { Rng } from './rng.js';

/** A uniformly random feasible choice. */
export function uniformFeasible(rng: Rng, mask: readonly boolean[]): number {
  const feasible = feasibleChoices(mask);
  return feasible[rng.int(feasible.length)];
}

export function feasibleChoices(mask: readonly boolean[]): number[] {
  const feasible: number[] = [];
  mask.forEach((ok, choice) => ok && feasible.push(choice));
  if (feasible.length === 0) throw new Error('decision process returned a mask with no feasible choice');
  return feasible;
}

/** A choice drawn from `probs` (infeasible choices have probability exactly 0, so are never drawn). */
export function sampleCategorical(rng: Rng, probs: readonly number[]): number {
  let u = rng.next();
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    last = i;
    u -= probs[i];
    if (u < 0) return i;
  }
  return last;
}

/**
 * Complete `prefix` into a full sequence, asking `choose` for each remaining decision.
 * Used by random sampling and by evolution's repair step.
 */
export function completeSequence(
  process: DecisionProcess,
  prefix: readonly number[],
  choose: (step: NextDecision, position: number) => number,
): number[] {
  const decisions = [...prefix];
  for (let step = process.next(decisions); step; step = process.next(decisions)) {
    if (decisions.length >= process.maxDecisions) {
      throw new Error(`decision process '${process.spaceName}' exceeded maxDecisions=${process.maxDecisions}`);
    }
    decisions.push(choose(step, decisions.length));
  }
  return decisions;
}

export function randomSequence(process: DecisionProcess, rng: Rng): number[] {
  return completeSequence(process, [], (step) => uniformFeasible(rng, step.mask));
}
