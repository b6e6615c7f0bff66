/**
 * The dropout mask as a function of (seed, element index): element i is kept where a hash of i under two keys
 * derived from the seed, read as a 24-bit uniform number, is at least rate * 2^24. Counter-based, so any
 * piece of a tensor can be masked on any thread (or again, for the gradient) without a random stream to share,
 * and the cpu kernel, the SIMD loop and its scalar tail give the same mask. The hash is lowbias32
 * (C. Wellons' integer hash prospector), applied twice.
 */

export interface DropoutMask {
  key1: number;
  key2: number;
  /** An element is kept where (hash >>> 8) >= threshold. */
  threshold: number;
  /** What a kept element is multiplied by: float32(1 / float32(1 - rate)), as tfjs's dropout does. */
  scale: number;
}

export function lowbias32(value: number): number {
  let h = value ^ (value >>> 16);
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export function dropoutMask(rate: number, seed: number): DropoutMask {
  const key1 = lowbias32((seed >>> 0) ^ 0x85ebca6b);
  const key2 = lowbias32(key1 ^ 0xc2b2ae35 ^ Math.floor(seed / 2 ** 32));
  return { key1, key2, threshold: Math.round(rate * 2 ** 24), scale: Math.fround(1 / Math.fround(1 - rate)) };
}

export function kept(mask: DropoutMask, index: number): boolean {
  return lowbias32(lowbias32(index ^ mask.key1) ^ mask.key2) >>> 8 >= mask.threshold;
}

/** out[i] = x[i] * (kept ? scale : 0) for i in [first, end): NaN and infinities become NaN where dropped, as x * 0. */
export function applyMask(mask: DropoutMask, x: Float32Array, out: Float32Array, first: number, end: number): void {
  for (let i = first; i < end; i++) out[i] = x[i] * (kept(mask, i) ? mask.scale : 0);
}
