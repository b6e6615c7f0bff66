/**
 * Runs the loops of gathered-product-simd.ts over a whole product, on the kernel pool's threads where it is
 * big enough (threads/pool.ts). Two ways to cut it into pieces that threads claim (PIECES_PER_THREAD per
 * thread, so that a thread that starts late takes fewer):
 *
 * - by positions, where there are enough chunks of them and out is small enough to copy: piece i runs its
 *   range of chunks into its own zeroed copy of out (piece 0 into out itself), and the copies are then added
 *   to out in piece order, a band of rows per piece. Every piece streams only its part of x and b, once.
 * - by bands of out's rows, otherwise (a weight gradient xᵀ dy, whose positions are the batch): every piece
 *   streams all of the positions for its rows.
 *
 * Which thread runs which piece does not change the numbers (for a given thread count). Measured on the
 * panel's layers, bands of columns (each piece a slice of every row of b) ran twice as slow as one band even
 * on one thread, and bands of rows of a large product re-stream x and b per band.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BLOCK_ROWS, type ProductLoops } from './gathered-product-simd.js';
import { heapBuffer, withScratch } from './heap-module.js';
import { kernelPool, runCalls, type Call, type KernelPool } from './threads/pool.js';
import { splitRange } from './threads/split.js';

/** The product out[r, :] += sum over p of x[offsets[r] + position(p)] b[p, :] (see gathered-product-simd.ts). */
export interface Product {
  x: number;
  /** Rows of out, their i32 offset table, row 0 of out, and the bytes of a row of b and out (4 x columns). */
  rows: number;
  offsets: number;
  acc: number;
  cb: number;
  /**
   * A row of cb bytes that out starts from (a bias): out is then set, not added to, by one chunk of positions,
   * and split by bands of rows only.
   */
  init?: number;
}

/**
 * `count` chunks of positions, the first of `runs` runs whose starts are at rowBase, `rowBytes` long, stepping
 * by xStep, with dy the row of b of its first position; each next chunk's rowBase and dy `rowBaseStep` and
 * `dyStep` bytes on.
 */
export interface Chunks {
  count: number;
  rowBase: number;
  runs: number;
  rowBytes: number;
  xStep: number;
  dy: number;
  rowBaseStep: number;
  dyStep: number;
}

/**
 * Multiply-adds below which one thread is as fast (a dispatch costs 10-20 µs, waking a sleeping thread more):
 * measured, 4M (0.2 ms) ran slower on two threads, 14M and 16M faster.
 */
export const MIN_PARALLEL_MACS = 8 << 20;

const PIECES_PER_THREAD = 4;

/** Most bytes of copies of out that a split by positions may use. */
const COPY_BYTES = 8 << 20;

/** out += the product over every series of chunks, split over the threads where `macs` makes it worth it. */
export function runProduct(wasm: BackendWasm, loops: ProductLoops, product: Product, series: Chunks[], macs: number): void {
  if (product.init !== undefined && (series.length !== 1 || series[0].count !== 1)) throw new Error('a product set from an initial row takes one chunk of positions');
  const pool = macs >= MIN_PARALLEL_MACS ? kernelPool(wasm) : null;
  const threads = pool?.threads() ?? 1;
  const allRows: [number, number] = [0, product.rows];
  const callsFor = (rows: [number, number]) => series.flatMap((s) => callsOf(loops, product, s, rows, product.acc));
  if (pool === null || threads === 1) return runCalls(callsFor(allRows));
  const chunks = series.reduce((n, s) => n + s.count, 0);
  const copies = product.init !== undefined ? 0 : Math.min(PIECES_PER_THREAD * threads, chunks, 1 + Math.floor(COPY_BYTES / (product.rows * product.cb))) - 1;
  if (copies > 0) return byPositions(wasm, pool, loops, product, series, copies + 1);
  if (product.rows < 2 * BLOCK_ROWS) return runCalls(callsFor(allRows));
  pool.run(splitRange(product.rows, PIECES_PER_THREAD * threads, BLOCK_ROWS).map(callsFor));
}

function byPositions(wasm: BackendWasm, pool: KernelPool, loops: ProductLoops, product: Product, series: Chunks[], pieces: number): void {
  const outBytes = product.rows * product.cb;
  withScratch(wasm, outBytes * (pieces - 1), (scratch) => {
    const copyAt = (i: number) => (i === 0 ? product.acc : scratch + (i - 1) * outBytes);
    new Uint8Array(heapBuffer(wasm), scratch, outBytes * (pieces - 1)).fill(0);
    const ranges = splitRange(series.reduce((n, s) => n + s.count, 0), pieces, 1);
    pool.run(ranges.map(([first, end], i) => cutSeries(series, first, end).flatMap((s) => callsOf(loops, product, s, [0, product.rows], copyAt(i)))));
    // The copies added to out in piece order, by bands of out's rows.
    const bands = splitRange(product.rows, pieces, 1);
    pool.run(bands.map(([r0, r1]) => ranges.slice(1).map((_, j) => ({ loops, fn: 'accumulate', args: [product.acc + r0 * product.cb, copyAt(j + 1) + r0 * product.cb, (r1 - r0) * product.cb] }))));
  });
}

/** Chunks [first, end) of the series, counted across them in order. */
function cutSeries(series: Chunks[], first: number, end: number): Chunks[] {
  const cut: Chunks[] = [];
  let start = 0;
  for (const s of series) {
    const from = Math.max(first, start) - start;
    const to = Math.min(end, start + s.count) - start;
    if (to > from) cut.push({ ...s, count: to - from, rowBase: s.rowBase + from * s.rowBaseStep, dy: s.dy + from * s.dyStep });
    start += s.count;
  }
  return cut;
}

/** The (at most two) loop calls of rows [r0, r1) over a series of chunks, into `acc` (row 0 of a copy of out). */
function callsOf(loops: ProductLoops, p: Product, c: Chunks, [r0, r1]: [number, number], acc: number): Call[] {
  const blocks = Math.floor((r1 - r0) / BLOCK_ROWS);
  const rest = r1 - r0 - blocks * BLOCK_ROWS;
  const args = (first: number, groups: number) => [
    p.x, c.rowBase, c.runs, c.rowBytes, c.xStep, c.dy, p.cb, p.offsets + 4 * first, groups, acc + first * p.cb, c.count, c.rowBaseStep, c.dyStep,
  ];
  // Set from an initial row: the block loops themselves, on the one chunk.
  const [fn4, fn1, tail] = p.init === undefined ? ['chunks4', 'chunks1', (a: number[]) => a] : ['set4', 'set1', (a: number[]) => [...a.slice(0, 10), p.init!]];
  const calls: Call[] = [];
  if (blocks > 0) calls.push({ loops, fn: fn4, args: tail(args(r0, blocks)) });
  if (rest > 0) calls.push({ loops, fn: fn1, args: tail(args(r0 + blocks * BLOCK_ROWS, rest)) });
  return calls;
}
