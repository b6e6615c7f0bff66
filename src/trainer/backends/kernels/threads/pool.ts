/**
 * Threads for the heap kernels' SIMD loops. The threaded wasm build gives its own pthreads to XNNPACK only;
 * here `threads - 1` more Node worker threads (worker.ts), started on the first use, instantiate the same
 * modules on the backend's shared memory. A kernel cuts its work into pieces that do not write the same
 * memory; `run` publishes them (protocol.ts), wakes the workers, takes pieces itself until none are left,
 * then waits for the pieces the workers took. Workers are unref'd: they never keep a process alive.
 *
 * NAS_KERNEL_THREADS caps the threads used (1: the loops stay on the calling thread).
 *
 * A worker that dies while it holds a piece (it catches what its calls throw: only a crash of its isolate
 * would) makes `run` throw after a minute without progress; workers that exit otherwise are simply not counted.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendMemory, isShared, type Memory } from '../heap-module.js';
import { writeProgram, type Call } from './program.js';
import { BY_WORKERS, claimPiece, CONTROL_INTS, DONE, EPOCHS, FAILED, MAX_PIECES, MAX_WORKERS, NEXT, PIECES, READY, WAKE, type PoolMessage } from './protocol.js';

export type { Call } from './program.js';

/** Runs calls on this thread. */
export function runCalls(calls: Call[]): void {
  for (const call of calls) (call.loops as Record<string, (...args: number[]) => void>)[call.fn](...call.args);
}

let threadLimit = Number(process.env.NAS_KERNEL_THREADS ?? Infinity) || Infinity;

/** Caps the threads the kernels use (tests compare 1 with 2 in one process); Infinity: the backend's count. */
export function setKernelThreadLimit(limit: number): void {
  threadLimit = limit;
}

interface Thread {
  worker: Worker;
  port: InstanceType<typeof MessageChannel>['port1'];
  exited: boolean;
}

export class KernelPool {
  private readonly threadsMade: Thread[];
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * CONTROL_INTS));
  private program: Int32Array<ArrayBufferLike> = new Int32Array(new SharedArrayBuffer(4 * 4096));
  private epoch = 0;
  private readonly sentModules = new Set<number>();

  constructor(memory: Memory, workers: number) {
    this.threadsMade = Array.from({ length: Math.min(workers, MAX_WORKERS) }, (_, i) => startThread(memory, this.ctl.buffer as SharedArrayBuffer, i));
    this.send({ kind: 'program', buffer: this.program.buffer as SharedArrayBuffer });
  }

  /**
   * Threads a kernel splits its work for: this one and every worker made that has not exited, started or not (a
   * worker still starting leaves its pieces to the others). So the split, and with it the order of every sum, does
   * not depend on how soon the workers start: the same seed gives the same numbers from the first step.
   */
  threads(): number {
    const alive = this.threadsMade.filter((t) => !t.exited).length;
    return Math.max(1, Math.min(threadLimit, 1 + alive));
  }

  /** Workers made (started or starting). */
  workers(): number {
    return this.threadsMade.length;
  }

  /** Whether every worker made has started (or exited). */
  allStarted(): boolean {
    return this.threadsMade.every((t, i) => t.exited || Atomics.load(this.ctl, READY + i) === 1);
  }

  /** Runs every piece once, on this thread and the workers, and returns when all are done. */
  run(pieces: Call[][]): void {
    if (pieces.length > MAX_PIECES - 1) throw new Error(`${pieces.length} pieces: at most ${MAX_PIECES - 1}`);
    const program = writeProgram(this.program, pieces, this.sentModules, (message) => this.send(message));
    if (program !== this.program) {
      this.program = program;
      this.send({ kind: 'program', buffer: program.buffer as SharedArrayBuffer });
    }
    const epoch = (this.epoch = (this.epoch + 1) % EPOCHS);
    Atomics.store(this.ctl, DONE, 0);
    Atomics.store(this.ctl, FAILED, 0);
    Atomics.store(this.ctl, PIECES, (epoch << 16) | pieces.length);
    Atomics.store(this.ctl, NEXT, epoch << 16);
    Atomics.store(this.ctl, WAKE, epoch);
    Atomics.notify(this.ctl, WAKE);
    let failure: unknown;
    for (let piece = claimPiece(this.ctl); piece >= 0; piece = claimPiece(this.ctl)) {
      try {
        runCalls(pieces[piece]);
      } catch (error) {
        failure ??= error;
      }
      Atomics.add(this.ctl, DONE, 1);
    }
    this.awaitPieces(pieces.length);
    if (failure !== undefined) throw failure;
    if (Atomics.load(this.ctl, FAILED) !== 0) throw new Error(`a kernel thread failed: ${this.errors().join('; ')}`);
  }

  /** Pieces run by the workers since the pool started. */
  piecesByWorkers(): number {
    return Atomics.load(this.ctl, BY_WORKERS);
  }

  private errors(): string[] {
    return this.threadsMade.flatMap((t) => {
      const messages: string[] = [];
      for (let m = receiveMessageOnPort(t.port); m !== undefined; m = receiveMessageOnPort(t.port)) messages.push(String(m.message));
      return messages;
    });
  }

  /**
   * Spins briefly (a worker's last piece usually ends within microseconds of ours), then sleeps until done. A piece
   * takes milliseconds: one unfinished after STALL_MS means its worker's isolate died (its exit event cannot reach
   * this blocked thread), and the kernel fails instead of waiting for ever.
   */
  private awaitPieces(count: number): void {
    for (let spin = 0; spin < SPINS; spin++) if (Atomics.load(this.ctl, DONE) === count) return;
    let lastProgress = performance.now();
    for (let done = Atomics.load(this.ctl, DONE); done !== count; ) {
      Atomics.wait(this.ctl, DONE, done, 1000);
      const now = Atomics.load(this.ctl, DONE);
      if (now !== done) lastProgress = performance.now();
      else if (performance.now() - lastProgress > STALL_MS) throw new Error(`a kernel thread stopped: ${count - now} of ${count} pieces unfinished after ${STALL_MS / 1000} s`);
      done = now;
    }
  }

  private send(message: PoolMessage): void {
    for (const thread of this.threadsMade) thread.port.postMessage(message);
  }
}

const SPINS = 2000;
const STALL_MS = 60_000;

function startThread(memory: Memory, control: SharedArrayBuffer, index: number): Thread {
  const { port1, port2 } = new MessageChannel();
  // execArgv: [] where the process's own flags would not do for a worker file (`node --input-type=module -e`).
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { memory, control, index, port: port2 }, transferList: [port2], execArgv: [] });
  worker.unref();
  port1.unref();
  const thread: Thread = { worker, port: port1, exited: false };
  worker.on('exit', () => (thread.exited = true));
  worker.on('error', (error) => console.error('kernel pool thread:', error));
  return thread;
}

const pools = new WeakMap<Memory, KernelPool | null>();

/**
 * The backend's thread count, from its module's bridge (as the package's getThreadsCount reads it): importing
 * the package's value exports here would register the 'wasm' backend in every process that imports a kernel.
 */
function backendThreads(backend: BackendWasm): number {
  const bridge = (backend as unknown as { wasm: { tfjs?: { getThreadsCount?: () => number } } }).wasm.tfjs;
  return bridge?.getThreadsCount?.() ?? 1;
}

/**
 * The pool of `backend`'s memory (made now, its workers starting, if it is not there yet), or null where the
 * loops run on one thread: a single-threaded backend, a memory that is not shared, NAS_KERNEL_THREADS=1.
 */
export function kernelPool(backend: BackendWasm): KernelPool | null {
  if (threadLimit < 2) return null;
  const memory = backendMemory(backend);
  if (memory === undefined) return null;
  let pool = pools.get(memory);
  if (pool === undefined) {
    const threads = backendThreads(backend);
    pool = threads > 1 && isShared(memory) ? new KernelPool(memory, threads - 1) : null;
    pools.set(memory, pool);
  }
  return pool;
}

/**
 * Resolves once the pool of `backend` (started now if it is not yet) has all its threads, or after `timeoutMs`:
 * for benchmarks, whose few timed steps would otherwise start before the workers do.
 */
export async function kernelThreadsStarted(backend: BackendWasm, timeoutMs = 5000): Promise<void> {
  const pool = kernelPool(backend);
  const start = performance.now();
  while (pool !== null && !pool.allStarted() && performance.now() - start < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 5));
}
