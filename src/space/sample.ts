import type { DecisionProcess } from './types.js';

/** One complete decision sequence, each decision uniform over the feasible choices of its mask. */
export function sampleDecisions(process: DecisionProcess, random: () => number): number[] {
  const decisions: number[] = [];
  for (let next = process.next(decisions); next; next = process.next(decisions)) {
    const feasible = next.mask.flatMap((ok, choice) => (ok ? [choice] : []));
    decisions.push(feasible[Math.floor(random() * feasible.length)]);
  }
  return decisions;
}
