/**
 * The scatter that turns a convolution's column gradient back into an input gradient (col2im), one filter tap
 * at a time, as a SIMD loop on the heap (wasm-assembler.ts): for every image, and every output row and column
 * whose window reaches the input through this tap, dx[pixel] += dcols[output pixel, tap] over the C_in channels
 * (4 at a time; cb = C_in * 4 bytes, a multiple of 16). The strides are in bytes.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

/** A counted loop over `count`, advancing each pointer of `steps` ([pointer, step]) after every turn. */
function counted(label: string, counter: string, count: string, steps: [string, string][], body: string): string {
  return `
    i32.const 0 local.set ${counter}
    block ${label}Done loop ${label}
      local.get ${counter} local.get ${count} i32.ge_u br_if ${label}Done
      ${body}
      ${steps.map(([pointer, step]) => `local.get ${pointer} local.get ${step} i32.add local.set ${pointer}`).join('\n')}
      local.get ${counter} i32.const 1 i32.add local.set ${counter}
      br ${label}
    end end`;
}

const SCATTER_TAP: WasmFunction = {
  name: 'scatterTap',
  params: ['dst', 'src', 'cb', 'cols', 'dstCol', 'srcCol', 'rows', 'dstRow', 'srcRow', 'images', 'dstImage', 'srcImage'],
  locals: { n: 'i32', r: 'i32', c: 'i32', ch: 'i32', p: 'i32', d1: 'i32', s1: 'i32', d2: 'i32', s2: 'i32' },
  body: counted('image', 'n', 'images', [['dst', 'dstImage'], ['src', 'srcImage']], `
    local.get dst local.set d1 local.get src local.set s1
    ${counted('row', 'r', 'rows', [['d1', 'dstRow'], ['s1', 'srcRow']], `
      local.get d1 local.set d2 local.get s1 local.set s2
      ${counted('col', 'c', 'cols', [['d2', 'dstCol'], ['s2', 'srcCol']], `
        i32.const 0 local.set ch
        loop channel
          local.get d2 local.get ch i32.add local.tee p
          local.get p v128.load
          local.get s2 local.get ch i32.add v128.load
          f32x4.add v128.store
          local.get ch i32.const 16 i32.add local.tee ch local.get cb i32.lt_u br_if channel
        end`)}`)}`),
};

export interface Col2imLoops {
  scatterTap(
    dst: number, src: number, cb: number, cols: number, dstCol: number, srcCol: number,
    rows: number, dstRow: number, srcRow: number, images: number, dstImage: number, srcImage: number,
  ): void;
}

/** The loop on `backend`'s memory, or null where it cannot run. */
export const col2imLoops = heapLoops<Col2imLoops>([SCATTER_TAP]);
