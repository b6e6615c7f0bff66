/**
 * ReLU, its gradient and ELU's gradient as SIMD loops on the heap (wasm-assembler.ts), 4 floats at a time
 * over `bytes` bytes (a multiple of 16; the caller does the rest). The package runs each of these as a
 * scalar loop, and autodiff takes ReLU's gradient as three of them (Step, Cast, Multiply).
 * Every result equals the cpu backend's, NaN and signed zeros included.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

/** A loop over `inputs` (byte addresses, advanced together with out) computing the vector left by `body`. */
function elementwise(name: string, inputs: string[], body: string): WasmFunction {
  return {
    name,
    params: [...inputs, 'out', 'bytes'],
    locals: { stop: 'i32', zero: 'v128', one: 'v128', a: 'v128', b: 'v128' },
    body: `
      i32.const 0 i32x4.splat local.set zero
      ;; 1.0 in every lane (its bits)
      i32.const 1065353216 i32x4.splat local.set one
      local.get out local.get bytes i32.add local.set stop
      block done loop next
        local.get out local.get stop i32.ge_u br_if done
        local.get out
        ${body}
        v128.store
        ${[...inputs, 'out'].map((p) => `local.get ${p} i32.const 16 i32.add local.set ${p}`).join('\n')}
        br next
      end end`,
  };
}

/** max(x, 0) (NaN stays NaN, -0 becomes 0): the cpu backend's Math.max(0, x). */
const RELU = elementwise('relu', ['x'], `
  local.get x v128.load local.get zero f32x4.max`);

/** dy * step(x), step(x) = 1 above zero, NaN for NaN, else 0: tfjs's gradient mul(dy, cast(step(x))). */
const RELU_GRAD = elementwise('reluGrad', ['dy', 'x'], `
  local.get dy v128.load
  local.get x v128.load local.set a
  local.get one local.get zero local.get a local.get zero f32x4.gt v128.bitselect local.set b
  ;; NaN lanes of x (x != x) take x itself
  local.get a local.get b local.get a local.get a f32x4.ne v128.bitselect
  f32x4.mul`);

/** dy where y >= 0, else dy * (y + 1) (y the ELU's output): the cpu backend's EluGrad. */
const ELU_GRAD = elementwise('eluGrad', ['dy', 'y'], `
  local.get dy v128.load local.tee b
  local.get b local.get y v128.load local.tee a local.get one f32x4.add f32x4.mul
  local.get a local.get zero f32x4.ge v128.bitselect`);

export interface ActivationLoops {
  relu(x: number, out: number, bytes: number): void;
  reluGrad(dy: number, x: number, out: number, bytes: number): void;
  eluGrad(dy: number, y: number, out: number, bytes: number): void;
}

/** The loops on `backend`'s memory, or null where they cannot run. */
export const activationLoops = heapLoops<ActivationLoops>([RELU, RELU_GRAD, ELU_GRAD]);
