/**
 * A product a bᵀ in dot-product form, as one SIMD loop nest on the heap (wasm-assembler.ts): out[r, j] = the dot
 * product of a's row r and b's row j, both rows of the same `rowBytes`, read as they lie. A dense layer's input
 * gradient dy [batch, units] by its kernel [inputs, units] transposed is one: the kernel is read once, where the
 * other routes transpose it, or compute (kernel dyᵀ)ᵀ and transpose that [inputs, batch] result.
 *
 * The loop takes BLOCK_COLUMNS rows of b (4 columns of out) and two rows of a at a time: 8 accumulators of 4 partial
 * sums, per 4 positions 6 loads and 8 multiply-adds, then each row's 4 accumulators folded into 4 sums by shuffles
 * and stored as one vector. A block of b's rows stays in L1 while the whole of a (a batch of gradients) streams over
 * it, so b streams from memory once.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

/** Rows of b (columns of out) per block. */
export const BLOCK_COLUMNS = 4;

/** Byte lanes of i8x16.shuffle picking float lanes of its two operands (0-3 the first's, 4-7 the second's). */
function floatLanes(...lanes: number[]): string {
  return lanes.flatMap((lane) => [0, 1, 2, 3].map((byte) => 4 * lane + byte)).join(' ');
}

/** The 4 accumulators of one row of a (one per row of b in the block) folded and stored as out[r, j..j+3]. */
function foldAndStore(accumulators: string[], at: string): string {
  const [s0, s1, s2, s3] = accumulators;
  return `
    local.get ${at}
    local.get ${s0} local.get ${s1} i8x16.shuffle ${floatLanes(0, 4, 1, 5)}
    local.get ${s0} local.get ${s1} i8x16.shuffle ${floatLanes(2, 6, 3, 7)} f32x4.add local.set t0
    local.get ${s2} local.get ${s3} i8x16.shuffle ${floatLanes(0, 4, 1, 5)}
    local.get ${s2} local.get ${s3} i8x16.shuffle ${floatLanes(2, 6, 3, 7)} f32x4.add local.set t1
    local.get t0 local.get t1 i8x16.shuffle ${floatLanes(0, 1, 4, 5)}
    local.get t0 local.get t1 i8x16.shuffle ${floatLanes(2, 3, 6, 7)} f32x4.add
    v128.store`;
}

/**
 * out[r, j] = a[r, :] . b[j, :] for r < 2 x pairs and j in [4 x first, 4 x end) (blocks of b's rows). Addresses in
 * bytes: `a` and `b` row 0, `rowBytes` a row of either (a multiple of 16), `out` row 0 with rows of `outRowBytes`.
 */
const DOTS: WasmFunction = {
  name: 'dots',
  params: ['a', 'pairs', 'b', 'first', 'end', 'rowBytes', 'out', 'outRowBytes'],
  locals: {
    b0: 'i32', b1: 'i32', b2: 'i32', b3: 'i32', ra: 'i32', at: 'i32', aEnd: 'i32', o: 'i32', u: 'i32', w: 'v128', x0: 'v128', x1: 'v128', t0: 'v128', t1: 'v128',
    ...Object.fromEntries([0, 1, 2, 3].flatMap((k) => [[`s${k}0`, 'v128'], [`s${k}1`, 'v128']])),
  } as Record<string, 'i32' | 'v128'>,
  body: `
    local.get a local.get pairs local.get rowBytes i32.const 1 i32.shl i32.mul i32.add local.set aEnd
    block done loop columns
      local.get first local.get end i32.ge_u br_if done
      local.get b local.get first local.get rowBytes i32.const 2 i32.shl i32.mul i32.add local.tee b0
      local.get rowBytes i32.add local.tee b1 local.get rowBytes i32.add local.tee b2 local.get rowBytes i32.add local.set b3
      local.get out local.get first i32.const 4 i32.shl i32.add local.set o
      local.get a local.set ra
      loop pair
        ${[0, 1, 2, 3].flatMap((k) => [`i32.const 0 i32x4.splat local.set s${k}0`, `i32.const 0 i32x4.splat local.set s${k}1`]).join('\n')}
        i32.const 0 local.set u
        loop unit
          local.get ra local.get u i32.add local.tee at v128.load local.set x0
          local.get at local.get rowBytes i32.add v128.load local.set x1
          ${[0, 1, 2, 3].map((k) => `
          local.get b${k} local.get u i32.add v128.load local.tee w
          local.get x0 f32x4.mul local.get s${k}0 f32x4.add local.set s${k}0
          local.get w local.get x1 f32x4.mul local.get s${k}1 f32x4.add local.set s${k}1`).join('')}
          local.get u i32.const 16 i32.add local.tee u local.get rowBytes i32.lt_u br_if unit
        end
        ${foldAndStore(['s00', 's10', 's20', 's30'], 'o')}
        local.get o local.get outRowBytes i32.add local.set o
        ${foldAndStore(['s01', 's11', 's21', 's31'], 'o')}
        local.get o local.get outRowBytes i32.add local.set o
        local.get ra local.get rowBytes i32.const 1 i32.shl i32.add local.tee ra local.get aEnd i32.lt_u br_if pair
      end
      local.get first i32.const 1 i32.add local.set first
      br columns
    end end`,
};

export interface DotLoops {
  dots(a: number, pairs: number, b: number, first: number, end: number, rowBytes: number, out: number, outRowBytes: number): void;
}

/** The loops on `backend`'s memory, or null where they cannot run. */
export const dotLoops = heapLoops<DotLoops>([DOTS]);
