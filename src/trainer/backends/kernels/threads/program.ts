/** Writing a job's pieces into the program buffer that the pool's threads read (layout in protocol.ts). */
import { compiledModuleOf, wasmApi } from '../heap-module.js';
import { CALL_INTS, MAX_ARGS, type PoolMessage } from './protocol.js';

/** One call of an export of a heap module's instance (the object its heapLoops getter returned). */
export interface Call {
  loops: object;
  fn: string;
  args: number[];
}

const moduleIds = new WeakMap<object, number>();
let nextModuleId = 1;
const exportIndices = new WeakMap<object, Map<string, number>>();

function moduleId(compiled: object): number {
  let id = moduleIds.get(compiled);
  if (id === undefined) {
    id = nextModuleId++;
    moduleIds.set(compiled, id);
  }
  return id;
}

function exportIndex(compiled: object, fn: string): number {
  let indices = exportIndices.get(compiled);
  if (indices === undefined) {
    indices = new Map(wasmApi.Module.exports(compiled).map((e, i) => [e.name, i]));
    exportIndices.set(compiled, indices);
  }
  const index = indices.get(fn);
  if (index === undefined) throw new Error(`no export ${fn}`);
  return index;
}

/**
 * Writes `pieces` into `program` (or into a larger buffer, returned, where it does not fit), sending the
 * threads the modules not in `sent` yet through `send` (and adding them there).
 */
export function writeProgram(program: Int32Array, pieces: Call[][], sent: Set<number>, send: (message: PoolMessage) => void): Int32Array {
  const header = Math.ceil((2 * pieces.length) / CALL_INTS);
  const calls = pieces.reduce((n, p) => n + p.length, 0);
  let target = program;
  if (target.length < (header + calls) * CALL_INTS) target = new Int32Array(new SharedArrayBuffer(8 * (header + calls) * CALL_INTS));
  let slot = header;
  pieces.forEach((piece, i) => {
    target[2 * i] = slot;
    target[2 * i + 1] = piece.length;
    for (const call of piece) writeCall(target, slot++ * CALL_INTS, call, sent, send);
  });
  return target;
}

function writeCall(target: Int32Array, at: number, call: Call, sent: Set<number>, send: (message: PoolMessage) => void): void {
  const compiled = compiledModuleOf(call.loops);
  if (compiled === undefined) throw new Error(`${call.fn}: not a module on a shared memory`);
  if (call.args.length > MAX_ARGS) throw new Error(`${call.fn}: more than ${MAX_ARGS} arguments`);
  const id = moduleId(compiled);
  if (!sent.has(id)) {
    send({ kind: 'module', id, compiled });
    sent.add(id);
  }
  target[at] = id;
  target[at + 1] = exportIndex(compiled, call.fn);
  target[at + 2] = call.args.length;
  target.set(call.args, at + 3);
}
