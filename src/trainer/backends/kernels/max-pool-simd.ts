/**
 * Max pooling of 2x2 windows with stride 2 that tile the input, and its gradient, 4 channels at a time, as SIMD
 * loops on the heap (wasm-assembler.ts). A window's maximum is the largest of its values strictly greater than
 * -Infinity, taken in the order top-left, top-right, bottom-left, bottom-right (NaN never wins; a window with
 * none gives -Infinity and gets no gradient); the gradient goes to the first place that holds it. This is the
 * cpu backend's rule.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import { rowPieces } from './threads/row-pieces.js';
import type { WasmFunction } from './wasm-assembler.js';

/** -Infinity in every lane (its bits, 0xff800000). */
const MINUS_INFINITY = 'i32.const -8388608 i32x4.splat';

/**
 * A loop over `rows` output rows: x [2 rows, W, C] per output row (`rowBytes` = W * C * 4, `cb` = C * 4, a
 * multiple of 16). `body` runs once per 4 channels of a window, with its top-left at pair + ch.
 */
export function overTiles(fn: Omit<WasmFunction, 'body'>, prologue: string, body: string): WasmFunction {
  return {
    ...fn,
    locals: { ...fn.locals, stop: 'i32', pair: 'i32', ch: 'i32', at: 'i32' },
    body: `
      ${prologue}
      local.get x local.get rows local.get rowBytes i32.mul i32.const 1 i32.shl i32.add local.set stop
      block done loop row
        local.get x local.get stop i32.ge_u br_if done
        local.get x local.set pair
        loop pixel
          i32.const 0 local.set ch
          loop channel
            ${body}
            local.get ch i32.const 16 i32.add local.tee ch local.get cb i32.lt_u br_if channel
          end
          local.get pair local.get cb i32.const 1 i32.shl i32.add local.tee pair
          local.get x local.get rowBytes i32.add i32.lt_u br_if pixel
        end
        local.get x local.get rowBytes i32.const 1 i32.shl i32.add local.set x
        br row
      end end`,
  };
}

/** y [W / 2, C] per output row. */
const POOL = overTiles({ name: 'pool', params: ['x', 'y', 'rows', 'rowBytes', 'cb'], locals: { v: 'v128', m: 'v128' } }, '', `
  ${MINUS_INFINITY} local.set m
  local.get pair local.get ch i32.add local.tee at v128.load local.tee v
  local.get m local.get v local.get m f32x4.gt v128.bitselect local.set m
  local.get at local.get cb i32.add v128.load local.tee v
  local.get m local.get v local.get m f32x4.gt v128.bitselect local.set m
  local.get at local.get rowBytes i32.add local.tee at v128.load local.tee v
  local.get m local.get v local.get m f32x4.gt v128.bitselect local.set m
  local.get y
  local.get at local.get cb i32.add v128.load local.tee v
  local.get m local.get v local.get m f32x4.gt v128.bitselect
  v128.store
  local.get y i32.const 16 i32.add local.set y`);

/** dx [2 rows, W, C] per output row from dy [W / 2, C]. */
const GRADIENT = overTiles({
  name: 'gradient',
  params: ['x', 'dy', 'dx', 'rows', 'rowBytes', 'cb'],
  locals: { delta: 'i32', ninf: 'v128', x0: 'v128', x1: 'v128', x2: 'v128', x3: 'v128', m: 'v128', d: 'v128', g0: 'v128', g1: 'v128', g2: 'v128', g3: 'v128', later: 'v128' },
}, `
  ${MINUS_INFINITY} local.set ninf
  local.get dx local.get x i32.sub local.set delta`, `
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
  local.get dy i32.const 16 i32.add local.set dy`);

/** A buffer an overTiles loop walks: its heap address, and how many rows of x [N, H, W, C] it spans per output row. */
export type RowBuffer = readonly [address: number, rowsPerOutputRow: 2 | 0.5];

/**
 * Runs `fn` (an overTiles loop) over the output rows of x [N, H, W, C], split over the kernel pool's threads. Each
 * piece's call gets `buffers` advanced to its first output row, then its row count, x's row bytes and channel bytes,
 * then `extra`. The buffers' rows per output row add up to the bytes the pass touches (whether threads pay).
 */
export function overOutputRows(wasm: BackendWasm, x: readonly number[], loops: object, fn: string, buffers: readonly RowBuffer[], extra: readonly number[] = []): void {
  const [n, h, w, c] = x;
  const rows = n * (h / 2);
  const rowBytes = w * c * 4;
  const rowsTouched = buffers.reduce((sum, [, rowsPerOutputRow]) => sum + rowsPerOutputRow, 0);
  const { ranges, run } = rowPieces(wasm, rows, 1, rowsTouched * rowBytes * rows);
  run(ranges.map(([first, end]) => [{
    loops,
    fn,
    args: [...buffers.map(([address, rowsPerOutputRow]) => address + rowsPerOutputRow * first * rowBytes), end - first, rowBytes, c * 4, ...extra],
  }]));
}

export interface MaxPoolLoops {
  pool(x: number, y: number, rows: number, rowBytes: number, cb: number): void;
  gradient(x: number, dy: number, dx: number, rows: number, rowBytes: number, cb: number): void;
}

/** The loops on `backend`'s memory, or null where they cannot run. */
export const maxPoolLoops = heapLoops<MaxPoolLoops>([POOL, GRADIENT]);
