import seedrandom from 'seedrandom';

/**
 * A stream of non-zero 31-bit integer seeds derived from one job seed. tfjs treats a seed of 0 (or none)
 * as "use Math.random", so every initializer and dropout call gets an explicit non-zero seed from here.
 */
export class SeedStream {
  private readonly rng: seedrandom.PRNG;

  constructor(seed: number | string, purpose: string) {
    this.rng = seedrandom(`${purpose}:${seed}`);
  }

  next(): number {
    return (Math.abs(this.rng.int32()) % 0x7ffffffe) + 1;
  }
}
