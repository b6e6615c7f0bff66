/**
 * Dropout as one SIMD pass over the heap (wasm-assembler.ts), 4 floats at a time: the mask of dropout-mask.ts
 * computed in the lanes (the element indices first..), then x times scale or zero. The scalar tail is the
 * caller's (dropout-mask.ts's applyMask).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

/** h = lowbias32(h) in every lane. */
const MIX = `
  local.get h local.get h i32.const 16 i32x4.shr_u v128.xor local.get m1 i32x4.mul local.set h
  local.get h local.get h i32.const 15 i32x4.shr_u v128.xor local.get m2 i32x4.mul local.set h
  local.get h local.get h i32.const 16 i32x4.shr_u v128.xor local.set h`;

const DROPOUT: WasmFunction = {
  name: 'dropout',
  params: ['x', 'out', 'bytes', 'first', 'key1', 'key2', 'threshold', 'scale'],
  locals: { stop: 'i32', index: 'v128', four: 'v128', k1: 'v128', k2: 'v128', m1: 'v128', m2: 'v128', limit: 'v128', s: 'v128', zero: 'v128', h: 'v128' },
  body: `
    local.get first i32x4.splat
    v128.const 0 0 0 0 1 0 0 0 2 0 0 0 3 0 0 0
    i32x4.add local.set index
    i32.const 4 i32x4.splat local.set four
    local.get key1 i32x4.splat local.set k1
    local.get key2 i32x4.splat local.set k2
    ;; lowbias32's multipliers 0x7feb352d and 0x846ca68b (as signed i32)
    i32.const 2146121005 i32x4.splat local.set m1
    i32.const -2073254261 i32x4.splat local.set m2
    local.get threshold i32x4.splat local.set limit
    ;; the scale's float bits
    local.get scale i32x4.splat local.set s
    i32.const 0 i32x4.splat local.set zero
    local.get out local.get bytes i32.add local.set stop
    block done loop next
      local.get out local.get stop i32.ge_u br_if done
      local.get index local.get k1 v128.xor local.set h
      ${MIX}
      local.get h local.get k2 v128.xor local.set h
      ${MIX}
      local.get out
      local.get x v128.load
      local.get s local.get zero
      local.get h i32.const 8 i32x4.shr_u local.get limit i32x4.ge_u
      v128.bitselect
      f32x4.mul
      v128.store
      local.get x i32.const 16 i32.add local.set x
      local.get out i32.const 16 i32.add local.set out
      local.get index local.get four i32x4.add local.set index
      br next
    end end`,
};

export interface DropoutLoops {
  dropout(x: number, out: number, bytes: number, first: number, key1: number, key2: number, threshold: number, scaleBits: number): void;
}

/** The loop on `backend`'s memory, or null where it cannot run. */
export const dropoutLoops = heapLoops<DropoutLoops>([DROPOUT]);
