import seedrandom from 'seedrandom';
import { sampleDecisions, type DecisionProcess } from '../../src/space/index.js';

/** A seeded sampler of complete decision sequences, uniform over the feasible choices at each step. */
export function sampler(process: DecisionProcess, seed: string): () => number[] {
  const random = seedrandom(seed);
  return () => sampleDecisions(process, random);
}
