import seedrandom from 'seedrandom';

/** A seeded uniform generator in [0, 1) whose complete state can be saved and restored. */
export interface Rng {
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  state(): object;
}

export function createRng(seed: string | number): Rng {
  return wrap(seedrandom(String(seed), { state: true }));
}

export function restoreRng(state: object): Rng {
  return wrap(seedrandom('', { state: state as seedrandom.State.Arc4 }));
}

function wrap(prng: seedrandom.StatefulPRNG<seedrandom.State.Arc4>): Rng {
  return {
    next: () => prng(),
    int: (n) => Math.floor(prng() * n),
    state: () => prng.state(),
  };
}
