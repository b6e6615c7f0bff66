/**
 * The max-pool gradient of 2x2 windows with stride 2 that tile the input, 4 channels at a time, as a SIMD
 * loop on the heap (wasm-assembler.ts). Each window's gradient goes to its first maximum, taken in the order
 * top-left, top-right, bottom-left, bottom-right, strictly greater than everything before it and than
 * -Infinity (so NaN never wins and a window of -Infinity gets none): the cpu backend's rule.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { instantiateOn, moduleOnHeap, type Memory } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

/**
 * dx for `rows` output rows: x and dx [2 rows, W, C] per output row (`rowBytes` = W * C * 4, `cb` = C * 4, a
 * multiple of 16), dy [W / 2, C] per output row.
 */
const TILES: WasmFunction = {
  name: 'tiles',
  params: ['x', 'dy', 'dx', 'rows', 'rowBytes', 'cb'],
  locals: {
    delta: 'i32', stop: 'i32', pair: 'i32', ch: 'i32', at: 'i32',
    ninf: 'v128', x0: 'v128', x1: 'v128', x2: 'v128', x3: 'v128', m: 'v128', d: 'v128',
    g0: 'v128', g1: 'v128', g2: 'v128', g3: 'v128', later: 'v128',
  },
  body: `
    ;; -Infinity in every lane (its bits, 0xff800000)
    i32.const -8388608 i32x4.splat local.set ninf
    local.get dx local.get x i32.sub local.set delta
    local.get x local.get rows local.get rowBytes i32.mul i32.const 1 i32.shl i32.add local.set stop
    block done loop row
      local.get x local.get stop i32.ge_u br_if done
      local.get x local.set pair
      loop pixel
        i32.const 0 local.set ch
        loop channel
          local.get pair local.get ch i32.add local.tee at v128.load local.set x0
          local.get at local.get cb i32.add v128.load local.set x1
          local.get at local.get rowBytes i32.add local.tee at v128.load local.set x2
          local.get at local.get cb i32.add v128.load local.set x3
          local.get dy v128.load local.set d
          local.get x0 local.get ninf f32x4.gt local.set g0
          local.get x0 local.get ninf local.get g0 v128.bitselect local.set m
          local.get x1 local.get m f32x4.gt local.set g1
          local.get x1 local.get m local.get g1 v128.bitselect local.set m
          local.get x2 local.get m f32x4.gt local.set g2
          local.get x2 local.get m local.get g2 v128.bitselect local.set m
          local.get x3 local.get m f32x4.gt local.set g3
          ;; winner k: g_k and no later g
          local.get pair local.get ch i32.add local.get delta i32.add local.set at
          local.get at local.get rowBytes i32.add local.get cb i32.add local.get d local.get g3 v128.and v128.store
          local.get at local.get rowBytes i32.add local.get d local.get g2 local.get g3 v128.andnot v128.and v128.store
          local.get g2 local.get g3 v128.or local.set later
          local.get at local.get cb i32.add local.get d local.get g1 local.get later v128.andnot v128.and v128.store
          local.get g1 local.get later v128.or local.set later
          local.get at local.get d local.get g0 local.get later v128.andnot v128.and v128.store
          local.get dy i32.const 16 i32.add local.set dy
          local.get ch i32.const 16 i32.add local.tee ch local.get cb i32.lt_u br_if channel
        end
        local.get pair local.get cb i32.const 1 i32.shl i32.add local.tee pair
        local.get x local.get rowBytes i32.add i32.lt_u br_if pixel
      end
      local.get x local.get rowBytes i32.const 1 i32.shl i32.add local.set x
      br row
    end end`,
};

export interface MaxPoolGradLoops {
  tiles(x: number, dy: number, dx: number, rows: number, rowBytes: number, cb: number): void;
}

const instances = new WeakMap<Memory, MaxPoolGradLoops | null>();

export function maxPoolGradLoopsOn(memory: Memory): MaxPoolGradLoops {
  return instantiateOn<MaxPoolGradLoops>(memory, [TILES]);
}

/** The loop on `backend`'s memory, or null where it cannot run. */
export function maxPoolGradLoops(backend: BackendWasm): MaxPoolGradLoops | null {
  return moduleOnHeap(backend, instances, maxPoolGradLoopsOn);
}
