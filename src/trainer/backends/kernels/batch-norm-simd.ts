/**
 * The passes of batch-norm training (batch-norm.ts) as 128-bit SIMD loops in a small wasm module that shares
 * the backend's memory (wasm-assembler.ts). Measured on a [64, 28, 28, 64] activation: per-channel sums at
 * 0.45 ns an element and the normalisation at 0.30, against 4.2 for the same loops in JavaScript.
 *
 * Activations are [rows, C] with C a multiple of 4 (batch-norm.ts runs its JavaScript loops otherwise); every
 * address is a byte offset into the heap and `cb` is C * 4, the bytes of one row.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops, instantiateOn, type Memory } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

/**
 * Per-channel sums of g and g * d over `rows` rows, added in float32 to acc32 [2C], then folded into float64
 * acc64 [2C] (and acc32 set back to zero): callers pass blocks of at most SUM_BLOCK_ROWS rows. Without
 * `products`, the sums of g only, in acc32 [C] and acc64 [C].
 */
function sums(functionName: string, extraParams: string[], setGAndD: string, products = true): WasmFunction {
  const foldBytes = products ? 'local.get cb i32.const 1 i32.shl' : 'local.get cb';
  return {
    name: functionName,
    params: [...extraParams, 'x', 'rows', 'cb', 'center', 'acc32', 'acc64'],
    locals: { end: 'i32', ch: 'i32', p: 'i32', g: 'v128', d: 'v128', zero: 'v128' },
    body: `
      local.get x local.get rows local.get cb i32.mul i32.add local.set end
      block done loop row
        local.get x local.get end i32.ge_u br_if done
        i32.const 0 local.set ch
        loop channel
          ${setGAndD}
          ;; acc32[ch] += g
          local.get acc32 local.get ch i32.add local.tee p
          local.get p v128.load local.get g f32x4.add v128.store
          ${products ? `;; acc32[C + ch] += g d
          local.get p local.get cb i32.add local.tee p
          local.get p v128.load local.get g local.get d f32x4.mul f32x4.add v128.store` : ''}
          local.get ch i32.const 16 i32.add local.tee ch local.get cb i32.lt_u br_if channel
        end
        ${extraParams.map((p) => `local.get ${p} local.get cb i32.add local.set ${p}`).join('\n')}
        local.get x local.get cb i32.add local.set x
        br row
      end end
      ;; acc64[i] += acc32[i] for the 2C sums, or C (4 floats, 32 bytes of doubles, at a time); acc32[i] = 0
      i32.const 0 local.set ch
      loop fold
        local.get acc32 local.get ch i32.add local.tee p v128.load local.set g
        local.get p local.get zero v128.store
        local.get acc64 local.get ch i32.const 1 i32.shl i32.add local.tee p
        local.get p v128.load local.get g f64x2.promote_low_f32x4 f64x2.add v128.store
        local.get p i32.const 16 i32.add local.tee p
        local.get p v128.load
        local.get g local.get g i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 f64x2.promote_low_f32x4
        f64x2.add v128.store
        local.get ch i32.const 16 i32.add local.tee ch ${foldBytes} i32.lt_u br_if fold
      end`,
  };
}

/** d = x - center (the shift), g = d: the sums of (x - shift) and (x - shift)^2. */
const SHIFTED_MOMENTS = sums('moments', [], `
  local.get x local.get ch i32.add v128.load local.get center local.get ch i32.add v128.load f32x4.sub local.tee d
  local.set g`);

/** g = dy, d = x - center (the mean): the sums of dy and dy (x - mean). */
const GRADIENT_SUMS = sums('gradientSums', ['dy'], `
  local.get dy local.get ch i32.add v128.load local.set g
  local.get x local.get ch i32.add v128.load local.get center local.get ch i32.add v128.load f32x4.sub local.set d`);

/** g = x: the per-channel sums of x (a bias gradient). */
const TOTALS = sums('totals', [], `
  local.get x local.get ch i32.add v128.load local.set g`, false);

/** out = a u + b v + k per channel, over `rows` rows (with b = 0 and v = u: out = a u + k). */
const AFFINE: WasmFunction = {
  name: 'affine',
  params: ['u', 'v', 'out', 'rows', 'cb', 'a', 'b', 'k'],
  locals: { end: 'i32', ch: 'i32' },
  body: `
    local.get out local.get rows local.get cb i32.mul i32.add local.set end
    block done loop row
      local.get out local.get end i32.ge_u br_if done
      i32.const 0 local.set ch
      loop channel
        local.get out local.get ch i32.add
        local.get u local.get ch i32.add v128.load local.get a local.get ch i32.add v128.load f32x4.mul
        local.get v local.get ch i32.add v128.load local.get b local.get ch i32.add v128.load f32x4.mul
        f32x4.add
        local.get k local.get ch i32.add v128.load f32x4.add
        v128.store
        local.get ch i32.const 16 i32.add local.tee ch local.get cb i32.lt_u br_if channel
      end
      local.get u local.get cb i32.add local.set u
      local.get v local.get cb i32.add local.set v
      local.get out local.get cb i32.add local.set out
      br row
    end end`,
};

/** Rows per float32 partial sum before it is folded into float64 (error of a float32 sum grows with its length). */
export const SUM_BLOCK_ROWS = 128;

export interface SimdLoops {
  moments(x: number, rows: number, cb: number, shift: number, acc32: number, acc64: number): void;
  gradientSums(dy: number, x: number, rows: number, cb: number, mean: number, acc32: number, acc64: number): void;
  totals(x: number, rows: number, cb: number, unused: number, acc32: number, acc64: number): void;
  affine(u: number, v: number, out: number, rows: number, cb: number, a: number, b: number, k: number): void;
}

const FUNCTIONS = [SHIFTED_MOMENTS, GRADIENT_SUMS, TOTALS, AFFINE];

/** The loops on `backend`'s memory, or null where they cannot run (no SIMD, no memory to import). */
export const simdLoops = heapLoops<SimdLoops>(FUNCTIONS);

/** The loops compiled against a memory (a WebAssembly.Memory, shared or not). */
export function loopsOnMemory(memory: Memory): SimdLoops {
  return instantiateOn<SimdLoops>(memory, FUNCTIONS);
}
