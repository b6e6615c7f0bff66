import seedrandom from 'seedrandom';
import type { DecisionProcess } from '../../src/space/index.js';

/** Samples complete decision sequences, each decision uniform over the feasible choices of its mask. */
export function sampler(process: DecisionProcess, seed: string): () => number[] {
  const random = seedrandom(seed);
  return () => {
    const decisions: number[] = [];
    for (let next = process.next(decisions); next; next = process.next(decisions)) {
      const feasible = next.mask.flatMap((ok, choice) => (ok ? [choice] : []));
      decisions.push(feasible[Math.floor(random() * feasible.length)]);
    }
    return decisions;
  };
}
