/** Shared fixtures of the trainer tests: the cpu backend and tiny in-memory image sets. */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { ImageSet, Normalisation } from '../../src/data/types.js';
import type { Shape3 } from '../../src/space/types.js';
import type { HyperParams } from '../../src/trainer/types.js';
import { hyperParams } from '../../src/trainer/index.js';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** `count` images whose class is readable from the image (class k brightens row band k), so a net can learn it. */
export function learnableImages(count: number, shape: Shape3, classes: number, seed = 1): ImageSet {
  const rng = seedrandom(String(seed));
  const [h, w, c] = shape;
  const images = new Uint8Array(count * h * w * c);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % classes;
    labels[n] = label;
    for (let y = 0; y < h; y++) {
      const band = Math.floor((y * classes) / h) === label;
      for (let i = 0; i < w * c; i++) images[n * h * w * c + y * w * c + i] = band ? 200 + Math.floor(rng() * 55) : Math.floor(rng() * 60);
    }
  }
  return { images, labels, count, shape };
}

export function allIndices(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

export function unitNorm(channels: number): Normalisation {
  return { mean: new Array(channels).fill(0.5), std: new Array(channels).fill(0.25) };
}

/** Small-test hyperparameters: 1 epoch of batches of 8, learning rate 0.01, seed 7. */
export function hyper(overrides: Partial<HyperParams> = {}): HyperParams {
  return hyperParams({ epochs: 1, batchSize: 8, learningRate: 0.01, seed: 7, ...overrides });
}
