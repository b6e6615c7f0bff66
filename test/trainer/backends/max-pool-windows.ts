/** 2x2 max-pool windows on ties, all-negative values, NaN and infinities, for the SIMD pool and its gradient. */
import type { Input } from './helpers.js';

/** One 2x2 window per row, in the order top-left, top-right, bottom-left, bottom-right. */
export const SPECIAL_WINDOWS = [
  [1, 1, 1, 1], [-3, -2, -5, -4], [-2, 5, 5, 1], [0, 0, 0, 3], [NaN, 1, 2, 2], [NaN, NaN, NaN, NaN],
  [-Infinity, -Infinity, -Infinity, -Infinity], [-Infinity, -7, NaN, -7], [Infinity, Infinity, 1, 2], [2, NaN, 3, NaN],
  [-0, 0, 0, -0], [1, 2, 3, 4],
];

/** The 12 windows as x [1, 2, 6, 4]: window k is channel k % 4 of the pooled column floor(k / 4) (every SIMD lane). */
export function specialWindowsInput(): Input {
  const values = new Float32Array(48);
  SPECIAL_WINDOWS.forEach((win, k) => {
    const [channel, column] = [k % 4, 2 * Math.floor(k / 4)];
    [[0, 0], [0, 1], [1, 0], [1, 1]].forEach(([row, col], i) => (values[(row * 6 + column + col) * 4 + channel] = win[i]));
  });
  return { shape: [1, 2, 6, 4], values };
}
