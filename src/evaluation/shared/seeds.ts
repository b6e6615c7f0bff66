import seedrandom from 'seedrandom';

/** A non-zero 31-bit seed for the shared weight `name` of a search with `seed` (tfjs treats 0 as "no seed"). */
export function variableSeed(seed: number, name: string): number {
  return (Math.abs(seedrandom(`supernet:${seed}:${name}`).int32()) % 0x7ffffffe) + 1;
}

/** A stream of such seeds for one purpose (dropout masks of one step, a batch order). */
export function seedStream(key: string): () => number {
  const rng = seedrandom(key);
  return () => (Math.abs(rng.int32()) % 0x7ffffffe) + 1;
}
