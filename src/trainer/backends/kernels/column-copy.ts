/**
 * Copies the rows of a float32 matrix into one with another number of columns, zero-filling the columns past
 * the source's: a classifier's [inputs, 10] kernel padded to the 16 columns the product loops take, and the
 * padded product cut back to 10. As a heap loop of 32-bit words (a JavaScript loop over typed arrays took
 * 0.1 ms for p4's 62,720-element kernel, a fifth of its product).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapLoops } from './heap-module.js';
import type { WasmFunction } from './wasm-assembler.js';

/**
 * Addresses in bytes; `fromBytes` and `toBytes` a row of each, `copyBytes` the smaller of the two (multiples
 * of 4), `rows` rows.
 */
const COPY_COLUMNS: WasmFunction = {
  name: 'copyColumns',
  params: ['source', 'fromBytes', 'target', 'toBytes', 'copyBytes', 'rows'],
  locals: { c: 'i32', r: 'i32' },
  body: `
    block done loop row
      local.get r local.get rows i32.ge_u br_if done
      i32.const 0 local.set c
      block copiedAll loop copy
        local.get c local.get copyBytes i32.ge_u br_if copiedAll
        local.get target local.get c i32.add
        local.get source local.get c i32.add i32.load
        i32.store
        local.get c i32.const 4 i32.add local.set c
        br copy
      end end
      block zeroedAll loop zero
        local.get c local.get toBytes i32.ge_u br_if zeroedAll
        local.get target local.get c i32.add i32.const 0 i32.store
        local.get c i32.const 4 i32.add local.set c
        br zero
      end end
      local.get source local.get fromBytes i32.add local.set source
      local.get target local.get toBytes i32.add local.set target
      local.get r i32.const 1 i32.add local.set r
      br row
    end end`,
};

export interface ColumnCopyLoops {
  copyColumns(source: number, fromBytes: number, target: number, toBytes: number, copyBytes: number, rows: number): void;
}

/** The loop on `backend`'s memory, or null where it cannot run. */
export const columnCopyLoops = heapLoops<ColumnCopyLoops>([COPY_COLUMNS]);
