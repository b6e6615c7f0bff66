/**
 * A kernel pool thread (pool.ts, protocol.ts): instantiates the pool's wasm modules on the backend's shared
 * memory and, each time it is woken, runs pieces of the job until none are left, then sleeps again. It never
 * returns to its event loop; the pool unrefs it, and Node ends it with the process.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { wasmApi } from '../heap-module.js';
import { BY_WORKERS, CALL_INTS, claimPiece, DONE, FAILED, READY, WAKE, type PoolMessage, type ThreadData } from './protocol.js';

type Export = (...args: number[]) => void;

const { memory, control, index, port } = workerData as ThreadData & { port: MessagePort };
const ctl = new Int32Array(control);
const modules = new Map<number, Export[]>();
let program: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** Everything the pool sent so far: it sends what a job needs before the job starts. */
function receive(): void {
  for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
    const message = received.message as PoolMessage;
    if (message.kind === 'program') program = new Int32Array(message.buffer);
    else {
      const exports = new wasmApi.Instance(message.compiled, { env: { memory } }).exports;
      modules.set(message.id, wasmApi.Module.exports(message.compiled).map((e) => exports[e.name] as Export));
    }
  }
}

function runPiece(piece: number): void {
  const first = program[2 * piece];
  const count = program[2 * piece + 1];
  for (let c = 0, at = first * CALL_INTS; c < count; c++, at += CALL_INTS) {
    const f = modules.get(program[at])?.[program[at + 1]];
    if (f === undefined) throw new Error(`kernel thread: no module ${program[at]}`);
    f(...program.subarray(at + 3, at + 3 + program[at + 2]));
  }
}

Atomics.store(ctl, READY + index, 1);
for (let seen = 0; ;) {
  Atomics.wait(ctl, WAKE, seen);
  seen = Atomics.load(ctl, WAKE);
  for (let piece = claimPiece(ctl); piece >= 0; piece = claimPiece(ctl)) {
    try {
      receive();
      runPiece(piece);
    } catch (error) {
      port.postMessage(error instanceof Error ? error.message : String(error));
      Atomics.store(ctl, FAILED, 1);
    }
    Atomics.add(ctl, BY_WORKERS, 1);
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}
