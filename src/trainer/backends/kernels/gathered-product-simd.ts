/**
 * A matrix product out[r, :] += sum over p of a(r, p) b[p, :] as one SIMD loop nest on the heap
 * (wasm-assembler.ts), with a read where the caller says: a(r, p) = x[offset(r) + position(p)], without
 * copying a into a matrix and without XNNPACK's packing of b. A convolution's weight gradient is one
 * (filter-gradient.ts: r a filter row, p an output pixel, x the padded input, b the output gradient), a dense
 * layer's forward product and weight gradient others (dense-product.ts).
 *
 * The loop keeps a block of MR rows of out x 8 columns in registers (2 x MR vectors) and streams over the
 * positions p: per p, two vector loads of b, MR broadcast loads of a and 2 x MR multiply-adds. Positions come
 * in runs (an output row of a convolution): run i starts at rowBase[i] and steps by `xStep` bytes for
 * `rowBytes` bytes, while b's rows follow one another.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

/** Rows of out per register block (8 accumulators, 3 more vectors: fits the 16 registers of x86-64). */
export const BLOCK_ROWS = 4;

/**
 * Rows [first, first + groups * mr) of out += their products over `rows` runs of positions, for mr = 1 or
 * BLOCK_ROWS. Addresses are bytes: `x` the base of a, `rowBase` an i32 table of the runs' first positions
 * (relative to x), `rowBytes` a run's length and `xStep` its step, `dy` the row of b of the first position,
 * `offsets` an i32 table of the offsets of rows first..., `acc` row first of out (rows of `cb` bytes, the
 * columns of b and out times 4, a multiple of 32).
 *
 * With start 'init' (functions set1 and set4, one more parameter `init`): out = init + the products, init one
 * row of `cb` bytes (a bias), so out is written once and never read (a forward convolution's output).
 */
function blockLoop(mr: number, start: 'acc' | 'init' = 'acc'): WasmFunction {
  const rowsOf = (f: (j: number) => string) => Array.from({ length: mr }, (_, j) => f(j)).join('\n');
  const accumulators = Object.fromEntries(Array.from({ length: mr }, (_, j) => [[`a${j}l`, 'v128'], [`a${j}h`, 'v128']]).flat());
  const pointers = Object.fromEntries(Array.from({ length: mr }, (_, j) => [`o${j}`, 'i32']));
  const load = start === 'acc'
    ? `local.get acc local.get co i32.add local.set p
          ${rowsOf((j) => `local.get p v128.load local.set a${j}l local.get p v128.load offset=16 local.set a${j}h local.get p local.get cb i32.add local.set p`)}`
    : rowsOf((j) => `local.get init local.get co i32.add local.tee p v128.load local.set a${j}l local.get p v128.load offset=16 local.set a${j}h`);
  return {
    name: start === 'acc' ? `rows${mr}` : `set${mr}`,
    params: ['x', 'rowBase', 'rows', 'rowBytes', 'xStep', 'dy', 'cb', 'offsets', 'groups', 'acc', ...(start === 'init' ? ['init'] : [])],
    locals: { ...pointers, offEnd: 'i32', qEnd: 'i32', q: 'i32', co: 'i32', p: 'i32', dp: 'i32', xo: 'i32', stop: 'i32', d0: 'v128', d1: 'v128', s: 'v128', ...accumulators } as Record<string, 'i32' | 'v128'>,
    body: `
      local.get offsets local.get groups i32.const ${4 * mr} i32.mul i32.add local.set offEnd
      local.get rowBase local.get rows i32.const 4 i32.mul i32.add local.set qEnd
      block done loop group
        local.get offsets local.get offEnd i32.ge_u br_if done
        ${rowsOf((j) => `local.get x local.get offsets i32.load offset=${4 * j} i32.add local.set o${j}`)}
        i32.const 0 local.set co
        loop cols
          ${load}
          local.get dy local.get co i32.add local.set dp
          local.get rowBase local.set q
          loop row
            local.get q i32.load local.tee xo local.get rowBytes i32.add local.set stop
            loop pixel
              local.get dp v128.load local.set d0
              local.get dp v128.load offset=16 local.set d1
              ${rowsOf((j) => `
              local.get o${j} local.get xo i32.add v128.load32_splat local.tee s
              local.get d0 f32x4.mul local.get a${j}l f32x4.add local.set a${j}l
              local.get s local.get d1 f32x4.mul local.get a${j}h f32x4.add local.set a${j}h`)}
              local.get dp local.get cb i32.add local.set dp
              local.get xo local.get xStep i32.add local.tee xo local.get stop i32.lt_u br_if pixel
            end
            local.get q i32.const 4 i32.add local.tee q local.get qEnd i32.lt_u br_if row
          end
          local.get acc local.get co i32.add local.set p
          ${rowsOf((j) => `local.get p local.get a${j}l v128.store local.get p local.get a${j}h v128.store offset=16 local.get p local.get cb i32.add local.set p`)}
          local.get co i32.const 32 i32.add local.tee co local.get cb i32.lt_u br_if cols
        end
        local.get acc local.get cb i32.const ${mr} i32.mul i32.add local.set acc
        local.get offsets i32.const ${4 * mr} i32.add local.set offsets
        br group
      end end`,
  };
}

/**
 * `chunks` calls of rows{mr}, moving rowBase and dy on by rowBaseStep and dyStep bytes after each: a series of
 * equal chunks of positions in one call.
 */
function chunkLoop(mr: number): WasmFunction {
  const rowsParams = ['x', 'rowBase', 'rows', 'rowBytes', 'xStep', 'dy', 'cb', 'offsets', 'groups', 'acc'];
  return {
    name: `chunks${mr}`,
    params: [...rowsParams, 'chunks', 'rowBaseStep', 'dyStep'],
    locals: {},
    body: `
      block done loop chunk
        local.get chunks i32.const 1 i32.lt_u br_if done
        ${rowsParams.map((p) => `local.get ${p}`).join(' ')}
        call rows${mr}
        local.get rowBase local.get rowBaseStep i32.add local.set rowBase
        local.get dy local.get dyStep i32.add local.set dy
        local.get chunks i32.const 1 i32.sub local.set chunks
        br chunk
      end end`,
  };
}

/** out += src over `bytes` bytes (a multiple of 16): partial products summed (threaded-product.ts). */
const ACCUMULATE: WasmFunction = {
  name: 'accumulate',
  params: ['out', 'src', 'bytes'],
  locals: { stop: 'i32' },
  body: `
    local.get out local.get bytes i32.add local.set stop
    block done loop next
      local.get out local.get stop i32.ge_u br_if done
      local.get out local.get out v128.load local.get src v128.load f32x4.add v128.store
      local.get out i32.const 16 i32.add local.set out
      local.get src i32.const 16 i32.add local.set src
      br next
    end end`,
};

type ChunksLoop = (...args: [...Parameters<RowsLoop>, chunks: number, rowBaseStep: number, dyStep: number]) => void;

type RowsLoop = (x: number, rowBase: number, rows: number, rowBytes: number, xStep: number, dy: number, cb: number, offsets: number, groups: number, acc: number) => void;

type SetLoop = (...args: [...Parameters<RowsLoop>, init: number]) => void;

export interface ProductLoops {
  rows1: RowsLoop;
  rows4: RowsLoop;
  set1: SetLoop;
  set4: SetLoop;
  chunks1: ChunksLoop;
  chunks4: ChunksLoop;
  accumulate(out: number, src: number, bytes: number): void;
}

/** The loops on `backend`'s memory, or null where they cannot run. */
export const productLoops = heapLoops<ProductLoops>([
  blockLoop(1), blockLoop(BLOCK_ROWS), blockLoop(1, 'init'), blockLoop(BLOCK_ROWS, 'init'), chunkLoop(1), chunkLoop(BLOCK_ROWS), ACCUMULATE,
]);
