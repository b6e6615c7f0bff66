/** Stratified, seeded train/validation split of a training set (the test set is a separate ImageSet). */
import seedrandom from 'seedrandom';
import { shuffleInPlace } from './shuffle.js';
import { ConfigError } from '../errors.js';
import type { Split, SplitOptions } from './types.js';

export function makeSplit(labels: Uint8Array, numClasses: number, opts: SplitOptions): Split {
  const valFraction = opts.valFraction ?? 0.1;
  checkOptions(valFraction, opts.trainLimit, opts.valLimit);
  const byClass = indicesByClass(labels, numClasses);
  const blocks = classBlocks(byClass.map((members) => members.length), labels.length, valFraction, opts);

  const random = seedrandom(String(opts.seed));
  const train: number[] = [];
  const val: number[] = [];
  byClass.forEach((members, c) => {
    shuffleInPlace(members, random);
    const trainStart = blocks.trainStart[c];
    members.forEach((index, k) => {
      if (k < blocks.val[c]) val.push(index);
      else if (k >= trainStart && k < trainStart + blocks.train[c]) train.push(index);
    });
  });
  return { train: sorted(train), val: sorted(val) };
}

/**
 * Per class, after the seeded shuffle: the first `val` examples validate and `train` examples from
 * `trainStart` on train. Without a validation limit the validation set is valFraction of the data, or of a
 * limited training set plus it; with one, it is a subset of the full valFraction held out, and training
 * starts after all of that.
 */
function classBlocks(sizes: number[], total: number, valFraction: number, opts: SplitOptions): { val: number[]; train: number[]; trainStart: number[] } {
  const { heldOut, val, limited } = splitTotals(total, valFraction, opts);
  const heldOutCounts = apportion(heldOut, sizes, sizes);
  const valCounts = opts.valLimit === undefined ? heldOutCounts : apportion(val, sizes, heldOutCounts);
  const rest = sizes.map((size, c) => size - heldOutCounts[c]);
  const trainCounts = limited ? apportion(opts.trainLimit!, sizes, rest) : rest;
  return { val: valCounts, train: trainCounts, trainStart: heldOutCounts };
}

/**
 * The split's totals over a training set of `total` examples: `heldOut` examples are kept from training,
 * `val` of them validate (all, unless a validation limit is given), and `limited` says whether trainLimit cuts
 * the training examples.
 */
function splitTotals(total: number, valFraction: number, opts: Omit<SplitOptions, 'seed' | 'valFraction'>): { heldOut: number; val: number; limited: boolean } {
  const fullVal = Math.round(total * valFraction);
  const limited = opts.trainLimit !== undefined && opts.trainLimit < total - fullVal;
  const heldOut = opts.valLimit === undefined && limited ? Math.round((opts.trainLimit! * valFraction) / (1 - valFraction)) : fullVal;
  return { heldOut, val: opts.valLimit === undefined ? heldOut : Math.min(opts.valLimit, fullVal), limited };
}

/** How many examples a split of a training set of `total` validates on (per class, within one of its share). */
export function validationSize(total: number, opts: Omit<SplitOptions, 'seed'>): number {
  return splitTotals(total, opts.valFraction ?? 0.1, opts).val;
}

/**
 * The fewest validation examples that can rank architectures: 5 per class and 20 in all (one image gives
 * rewards of exactly 0 or 1; 20 give steps of 5 points of accuracy).
 */
export function minValidationSize(classes: number): number {
  return Math.max(20, 5 * classes);
}

function checkOptions(valFraction: number, trainLimit?: number, valLimit?: number): void {
  if (!(valFraction >= 0 && valFraction < 1)) throw new ConfigError(`valFraction must be in [0, 1), got ${valFraction}`);
  for (const [name, limit] of [['trainLimit', trainLimit], ['valLimit', valLimit]] as const) {
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new ConfigError(`${name} must be a positive integer, got ${limit}`);
    }
  }
}

function indicesByClass(labels: Uint8Array, numClasses: number): number[][] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, index) => {
    if (label >= numClasses) throw new ConfigError(`label ${label} at index ${index} is not below numClasses ${numClasses}`);
    byClass[label].push(index);
  });
  return byClass;
}

/**
 * Split `total` over classes in proportion to `weights` (largest remainder), never giving a class more than
 * its `caps`: each class ends within one example of its share whenever the caps allow it.
 */
export function apportion(total: number, weights: number[], caps: number[]): number[] {
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (weightSum === 0) return weights.map(() => 0);
  const quotas = weights.map((weight) => (total * weight) / weightSum);
  const counts = quotas.map((quota, c) => Math.min(Math.floor(quota), caps[c]));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((quota, c) => c).sort((a, b) => quotas[b] - counts[b] - (quotas[a] - counts[a]) || a - b);
  while (left > 0) {
    const before = left;
    for (const c of order) {
      if (left === 0) break;
      if (counts[c] < caps[c]) {
        counts[c]++;
        left--;
      }
    }
    if (left === before) break;
  }
  return counts;
}

function sorted(indices: number[]): Int32Array {
  return Int32Array.from(indices).sort();
}
