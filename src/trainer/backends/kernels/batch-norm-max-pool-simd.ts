/**
 * Batch norm followed by a max pool of 2x2 windows with stride 2, as two SIMD loops over the windows
 * (max-pool-simd.ts's overTiles), 4 channels at a time. The normalisation y = S x + T is monotone in x, so a
 * window's maximum of y is S times its maximum of x plus T where S >= 0, and S times its minimum where S < 0:
 * `flip` holds the sign bit for the channels with S < 0, and x XOR flip turns their minimum into a maximum
 * (strictly greater wins, first in the order top-left, top-right, bottom-left, bottom-right, as max-pool-simd.ts).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import { overTiles } from './max-pool-simd.js';

/** z0..z3: the window's 4 values (of 4 channels) with flip applied; x0..x3 as they are. */
const LOAD_WINDOW = `
  local.get pair local.get ch i32.add local.tee at v128.load local.tee x0
  local.get flip local.get ch i32.add v128.load local.tee f v128.xor local.set z0
  local.get at local.get cb i32.add v128.load local.tee x1 local.get f v128.xor local.set z1
  local.get at local.get rowBytes i32.add local.tee at v128.load local.tee x2 local.get f v128.xor local.set z2
  local.get at local.get cb i32.add v128.load local.tee x3 local.get f v128.xor local.set z3`;

const WINDOW_LOCALS = { x0: 'v128', x1: 'v128', x2: 'v128', x3: 'v128', z0: 'v128', z1: 'v128', z2: 'v128', z3: 'v128', f: 'v128', m: 'v128' } as const;

/** y = slope sel + intercept and sel (the chosen x) per window, [W / 2, C] per output row each. */
const NORMALISE_POOL = overTiles({
  name: 'normalisePool',
  params: ['x', 'y', 'sel', 'rows', 'rowBytes', 'cb', 'slope', 'intercept', 'flip'],
  locals: { ...WINDOW_LOCALS },
}, '', `
  ${LOAD_WINDOW}
  local.get z0 local.set m
  local.get z1 local.get m local.get z1 local.get m f32x4.gt v128.bitselect local.set m
  local.get z2 local.get m local.get z2 local.get m f32x4.gt v128.bitselect local.set m
  local.get z3 local.get m local.get z3 local.get m f32x4.gt v128.bitselect
  local.get f v128.xor local.set m
  local.get sel local.get m v128.store
  local.get y
  local.get m local.get slope local.get ch i32.add v128.load f32x4.mul
  local.get intercept local.get ch i32.add v128.load f32x4.add
  v128.store
  local.get y i32.const 16 i32.add local.set y
  local.get sel i32.const 16 i32.add local.set sel`);

/**
 * dx = a dy' + b x + k per element, [2 rows, W, C] per output row, where dy' is the window's dy [W / 2, C] at
 * the place the forward loop chose and 0 elsewhere.
 */
const POOLED_GRADIENT = overTiles({
  name: 'pooledGradient',
  params: ['x', 'dy', 'dx', 'rows', 'rowBytes', 'cb', 'a', 'b', 'k', 'flip'],
  locals: { ...WINDOW_LOCALS, delta: 'i32', d: 'v128', g1: 'v128', g2: 'v128', g3: 'v128', later: 'v128', va: 'v128', vb: 'v128', vk: 'v128' },
}, `
  local.get dx local.get x i32.sub local.set delta`, `
  ${LOAD_WINDOW}
  local.get dy v128.load local.get a local.get ch i32.add v128.load f32x4.mul local.set d
  local.get b local.get ch i32.add v128.load local.set vb
  local.get k local.get ch i32.add v128.load local.set vk
  local.get z0 local.set m
  local.get z1 local.get m f32x4.gt local.set g1
  local.get z1 local.get m local.get g1 v128.bitselect local.set m
  local.get z2 local.get m f32x4.gt local.set g2
  local.get z2 local.get m local.get g2 v128.bitselect local.set m
  local.get z3 local.get m f32x4.gt local.set g3
  ;; the winner k: g_k and no later g (k = 0: no g at all)
  local.get pair local.get ch i32.add local.get delta i32.add local.set at
  local.get at local.get rowBytes i32.add local.get cb i32.add
  local.get d local.get g3 v128.and local.get x3 local.get vb f32x4.mul f32x4.add local.get vk f32x4.add v128.store
  local.get at local.get rowBytes i32.add
  local.get d local.get g2 local.get g3 v128.andnot v128.and local.get x2 local.get vb f32x4.mul f32x4.add local.get vk f32x4.add v128.store
  local.get g2 local.get g3 v128.or local.set later
  local.get at local.get cb i32.add
  local.get d local.get g1 local.get later v128.andnot v128.and local.get x1 local.get vb f32x4.mul f32x4.add local.get vk f32x4.add v128.store
  local.get g1 local.get later v128.or local.set later
  local.get at
  local.get d local.get later v128.andnot local.get x0 local.get vb f32x4.mul f32x4.add local.get vk f32x4.add v128.store
  local.get dy i32.const 16 i32.add local.set dy`);

export interface BatchNormPoolLoops {
  normalisePool(x: number, y: number, sel: number, rows: number, rowBytes: number, cb: number, slope: number, intercept: number, flip: number): void;
  pooledGradient(x: number, dy: number, dx: number, rows: number, rowBytes: number, cb: number, a: number, b: number, k: number, flip: number): void;
}

/** The loops on `backend`'s memory, or null where they cannot run. */
export const batchNormPoolLoops = heapLoops<BatchNormPoolLoops>([NORMALISE_POOL, POOLED_GRADIENT]);
