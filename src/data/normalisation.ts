/** Per-channel mean and standard deviation of pixels / 255, over the given (training) indices only. */
import { ConfigError } from '../errors.js';
import type { ImageSet, Normalisation } from './types.js';

export function computeNormalisation(set: ImageSet, indices: Int32Array): Normalisation {
  if (indices.length === 0) throw new ConfigError('cannot compute a normalisation from zero examples');
  const [height, width, channels] = set.shape;
  const size = height * width * channels;
  const histograms = Array.from({ length: channels }, () => new Float64Array(256));
  for (const index of indices) {
    const image = set.images.subarray(index * size, (index + 1) * size);
    for (let c = 0; c < channels; c++) {
      const histogram = histograms[c];
      for (let p = c; p < size; p += channels) histogram[image[p]]++;
    }
  }
  const stats = histograms.map(meanAndStd);
  return { mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) };
}

function meanAndStd(histogram: Float64Array): { mean: number; std: number } {
  let count = 0;
  let sum = 0;
  for (let v = 0; v < 256; v++) {
    count += histogram[v];
    sum += histogram[v] * (v / 255);
  }
  const mean = sum / count;
  let squares = 0;
  for (let v = 0; v < 256; v++) squares += histogram[v] * (v / 255 - mean) ** 2;
  return { mean, std: Math.sqrt(squares / count) };
}
