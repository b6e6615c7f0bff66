/**
 * Mini-batches of normalised float32 HWC pixels and int32 labels, in a seeded order, with optional augmentation
 * (random crop after zero padding, horizontal flip). The last, partial batch is included.
 */
import seedrandom from 'seedrandom';
import { shuffleInPlace } from './shuffle.js';
import { ConfigError } from '../errors.js';
import type { Batch, BatchOptions, ImageSet, Normalisation } from './types.js';

type Augment = NonNullable<BatchOptions['augment']>;

export function* batches(set: ImageSet, indices: Int32Array, norm: Normalisation, opts: BatchOptions): Generator<Batch> {
  if (!(Number.isInteger(opts.batchSize) && opts.batchSize > 0)) {
    throw new ConfigError(`batchSize must be a positive integer, got ${opts.batchSize}`);
  }
  const random = seedrandom(String(opts.seed));
  const order = Int32Array.from(indices);
  if (opts.shuffle) shuffleInPlace(order, random);
  const table = lookupTable(norm, set.shape[2]);
  for (let start = 0; start < order.length; start += opts.batchSize) {
    const chosen = order.subarray(start, Math.min(start + opts.batchSize, order.length));
    yield makeBatch(set, chosen, table, opts.augment, random);
  }
}

/** table[c * 256 + v] = (v / 255 - mean[c]) / std[c]; a constant channel (std 0) is only centred. */
function lookupTable(norm: Normalisation, channels: number): Float32Array {
  if (norm.mean.length !== channels || norm.std.length !== channels) {
    throw new ConfigError(`normalisation has ${norm.mean.length} channels, images have ${channels}`);
  }
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    const std = norm.std[c] > 0 ? norm.std[c] : 1;
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - norm.mean[c]) / std;
  }
  return table;
}

function makeBatch(set: ImageSet, chosen: Int32Array, table: Float32Array, augment: Augment | undefined, random: () => number): Batch {
  const [height, width, channels] = set.shape;
  const size = height * width * channels;
  const x = new Float32Array(chosen.length * size);
  const y = new Int32Array(chosen.length);
  chosen.forEach((index, k) => {
    y[k] = set.labels[index];
    const image = set.images.subarray(index * size, (index + 1) * size);
    const out = x.subarray(k * size, (k + 1) * size);
    if (augment) writeAugmented(image, out, set.shape, table, augment, random);
    else for (let p = 0; p < size; p++) out[p] = table[(p % channels) * 256 + image[p]];
  });
  return { x, y, count: chosen.length };
}

function writeAugmented(
  image: Uint8Array,
  out: Float32Array,
  [height, width, channels]: [number, number, number],
  table: Float32Array,
  augment: Augment,
  random: () => number,
): void {
  const pad = augment.cropPadding;
  const dy = Math.floor(random() * (2 * pad + 1)) - pad;
  const dx = Math.floor(random() * (2 * pad + 1)) - pad;
  const flip = augment.flip && random() < 0.5;
  for (let row = 0; row < height; row++) {
    const sy = row + dy;
    for (let col = 0; col < width; col++) {
      const sx = (flip ? width - 1 - col : col) + dx;
      const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
      const o = (row * width + col) * channels;
      const s = (sy * width + sx) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = table[c * 256 + (inside ? image[s + c] : 0)];
    }
  }
}
