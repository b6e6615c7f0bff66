/**
 * The Adam update of adam-update.ts as a SIMD loop on the heap (wasm-assembler.ts), 4 floats at a time over
 * `bytes` bytes (a multiple of 16; the caller does the rest), in float32 as tfjs's own Adam ops compute it.
 * `constants` holds 7 floats: b1, 1 - b1, b2, 1 - b2, lr / c1, 1 / sqrt(c2), epsilon.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

const NAMES = ['b1', 'b1c', 'b2', 'b2c', 'step', 'root', 'eps'];

const UPDATE: WasmFunction = {
  name: 'update',
  params: ['x', 'g', 'm', 'v', 'xo', 'mo', 'vo', 'bytes', 'constants'],
  locals: { stop: 'i32', gv: 'v128', mv: 'v128', vv: 'v128', ...Object.fromEntries(NAMES.map((n) => [n, 'v128'])) } as Record<string, 'i32' | 'v128'>,
  body: `
    ${NAMES.map((n, i) => `local.get constants v128.load32_splat offset=${4 * i} local.set ${n}`).join('\n')}
    local.get x local.get bytes i32.add local.set stop
    block done loop next
      local.get x local.get stop i32.ge_u br_if done
      local.get g v128.load local.set gv
      ;; m' = b1 m + (1 - b1) g
      local.get b1 local.get m v128.load f32x4.mul local.get b1c local.get gv f32x4.mul f32x4.add local.set mv
      ;; v' = b2 v + (1 - b2) g g
      local.get b2 local.get v v128.load f32x4.mul local.get b2c local.get gv f32x4.mul local.get gv f32x4.mul f32x4.add local.set vv
      local.get mo local.get mv v128.store
      local.get vo local.get vv v128.store
      ;; x' = x - (lr / c1) m' / (sqrt(v') / sqrt(c2) + eps)
      local.get xo
      local.get x v128.load
      local.get step local.get mv f32x4.mul
      local.get vv f32x4.sqrt local.get root f32x4.mul local.get eps f32x4.add
      f32x4.div f32x4.sub v128.store
      ${['x', 'g', 'm', 'v', 'xo', 'mo', 'vo'].map((p) => `local.get ${p} i32.const 16 i32.add local.set ${p}`).join('\n')}
      br next
    end end`,
};

export interface AdamLoops {
  update(x: number, g: number, m: number, v: number, xo: number, mo: number, vo: number, bytes: number, constants: number): void;
}

/** The loop on `backend`'s memory, or null where it cannot run. */
export const adamLoops = heapLoops<AdamLoops>([UPDATE]);
