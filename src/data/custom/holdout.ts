/** The test set of a dataset whose files have none: a stratified share of its examples, the same on every load. */
import { makeSplit } from '../split.js';
import type { ImageSet } from '../types.js';

/** Fixed, not the search's seed: the search, its replays and `nas train` must all hold out the same examples. */
const HOLDOUT_SEED = 'nas-test-holdout';

export function holdOut(set: ImageSet, numClasses: number, fraction: number): { train: ImageSet; test: ImageSet } {
  const split = makeSplit(set.labels, numClasses, { valFraction: fraction, seed: HOLDOUT_SEED });
  return { train: subset(set, split.train), test: subset(set, split.val) };
}

/** The examples at `indices` (in that order), copied. */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]!;
    images.set(set.images.subarray(from * size, (from + 1) * size), i * size);
    labels[i] = set.labels[from]!;
  }
  return { images, labels, count: indices.length, shape: [...set.shape] };
}
