import type { Diagnostics, Proposal, Strategy } from '../../src/controller/index.js';

/**
 * ask a batch, reward it with `reward`, tell (the first `told` of the batch); `rounds` times.
 * Returns everything proposed and each tell's diagnostics.
 */
export function drive(strategy: Strategy, rounds: number, reward: (decisions: number[]) => number, batch = strategy.batchSize, told = batch) {
  const proposals: Proposal[][] = [];
  const diagnostics: (Diagnostics | null)[] = [];
  for (let round = 0; round < rounds; round++) {
    const asked = strategy.ask(batch);
    proposals.push(asked);
    diagnostics.push(strategy.tell(asked.slice(0, told).map(({ decisions }) => ({ decisions, reward: reward(decisions) }))));
  }
  return { proposals, diagnostics };
}

/** A deterministic reward with some structure: fraction of decisions equal to `target` (position-wise). */
export function matchReward(target: readonly number[]) {
  return (decisions: number[]) => decisions.filter((d, i) => d === target[i]).length / target.length;
}
