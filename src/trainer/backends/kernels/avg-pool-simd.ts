/**
 * Average pooling of 2x2 windows with stride 2 that tile the input, and its gradient, 4 channels at a time, as
 * SIMD loops on the heap (the tile walk of max-pool-simd.ts). A window's average is ((x0 + x1) + x2) + x3 times
 * 1/4, in the order top-left, top-right, bottom-left, bottom-right, and each of its places gets dy / 4: the cpu
 * backend's sums in its order, and the same numbers (a quarter is exact in binary).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import { overTiles } from './max-pool-simd.js';

/** 0.25 in every lane (its bits, 0x3e800000). */
const QUARTER = 'i32.const 1048576000 i32x4.splat';

/** y [W / 2, C] per output row from x [2 rows, W, C]. */
const AVERAGE = overTiles({ name: 'average', params: ['x', 'y', 'rows', 'rowBytes', 'cb'], locals: { quarter: 'v128' } }, `
  ${QUARTER} local.set quarter`, `
  local.get y
  local.get pair local.get ch i32.add local.tee at v128.load
  local.get at local.get cb i32.add v128.load f32x4.add
  local.get at local.get rowBytes i32.add local.tee at v128.load f32x4.add
  local.get at local.get cb i32.add v128.load f32x4.add
  local.get quarter f32x4.mul
  v128.store
  local.get y i32.const 16 i32.add local.set y`);

/** dx [2 rows, W, C] per output row (walked as the tiles' x) from dy [W / 2, C]. */
const AVERAGE_GRADIENT = overTiles({ name: 'averageGradient', params: ['x', 'dy', 'rows', 'rowBytes', 'cb'], locals: { quarter: 'v128', d: 'v128' } }, `
  ${QUARTER} local.set quarter`, `
  local.get dy v128.load local.get quarter f32x4.mul local.set d
  local.get pair local.get ch i32.add local.tee at local.get d v128.store
  local.get at local.get cb i32.add local.get d v128.store
  local.get at local.get rowBytes i32.add local.tee at local.get d v128.store
  local.get at local.get cb i32.add local.get d v128.store
  local.get dy i32.const 16 i32.add local.set dy`);

export interface AvgPoolLoops {
  average(x: number, y: number, rows: number, rowBytes: number, cb: number): void;
  averageGradient(dx: number, dy: number, rows: number, rowBytes: number, cb: number): void;
}

/** The loops on `backend`'s memory, or null where they cannot run. */
export const avgPoolLoops = heapLoops<AvgPoolLoops>([AVERAGE, AVERAGE_GRADIENT]);
