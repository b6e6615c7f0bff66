/**
 * Small wasm modules (wasm-assembler.ts) instantiated on the wasm backend's own memory, so that their loops
 * read and write tensors in place, and scratch memory on that heap.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assembleModule, type WasmFunction } from './wasm-assembler.js';

/** The little of the WebAssembly API used here (this project's TypeScript libraries do not declare it). */
export interface Memory {
  readonly buffer: ArrayBufferLike;
}
export interface WebAssemblyApi {
  Module: (new (binary: Uint8Array) => object) & { exports(module: object): { name: string }[] };
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The compiled module behind an instance's exports on a shared memory: what threads/pool.ts hands its threads. */
const compiledOf = new WeakMap<object, object>();

export function compiledModuleOf(exports: object): object | undefined {
  return compiledOf.get(exports);
}

export function isShared(memory: Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

interface EmscriptenMemory {
  wasmMemory?: Memory;
  asm?: { memory?: Memory };
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

function emscripten(backend: BackendWasm): EmscriptenMemory {
  return (backend as unknown as { wasm: EmscriptenMemory }).wasm;
}

/** The backend's WebAssembly.Memory, or undefined where its module does not expose it. */
export function backendMemory(backend: BackendWasm): Memory | undefined {
  const module = emscripten(backend);
  return module.wasmMemory ?? module.asm?.memory;
}

/** The exports of `functions` compiled against a memory (a WebAssembly.Memory, shared or not). */
export function instantiateOn<T>(memory: Memory, functions: WasmFunction[]): T {
  const shared = isShared(memory);
  const compiled = new wasmApi.Module(assembleModule(functions, shared));
  const exports = new wasmApi.Instance(compiled, { env: { memory } }).exports;
  if (shared) compiledOf.set(exports, compiled);
  return exports as unknown as T;
}

/**
 * A module of loops compiled from `functions`: the returned function gives its instance on a backend's memory
 * (one per memory, compiled at the first call), or null where it cannot run (no SIMD, no memory to import).
 */
export function heapLoops<T>(functions: WasmFunction[]): (backend: BackendWasm) => T | null {
  const instances = new WeakMap<Memory, T | null>();
  return (backend) => {
    const memory = backendMemory(backend);
    if (memory === undefined) return null;
    let loops = instances.get(memory);
    if (loops === undefined) {
      try {
        loops = instantiateOn<T>(memory, functions);
      } catch {
        loops = null;
      }
      instances.set(memory, loops);
    }
    return loops;
  };
}

/** Scratch memory on the heap for the duration of `use` (allocating may grow the heap: take views after). */
export function withScratch<T>(backend: BackendWasm, bytes: number, use: (address: number) => T): T {
  const module = emscripten(backend);
  const address = module._malloc(bytes);
  try {
    return use(address);
  } finally {
    module._free(address);
  }
}

/**
 * A float32 output of `shape` whose heap block has `tailBytes` more bytes after its data, for a kernel to keep
 * what its gradient needs without making it an output: the block is freed with the tensor's data.
 */
export function outputWithTail(backend: BackendWasm, shape: number[], tailBytes: number): { out: TensorInfo; tail: number } {
  const bytes = 4 * shape.reduce((a, b) => a * b, 1);
  const block = emscripten(backend)._malloc(bytes + tailBytes);
  return { out: backend.makeOutput(shape, 'float32', block), tail: block + bytes };
}

/** Where a tensor's data starts on the backend's heap, in bytes. */
export function heapAddress(backend: BackendWasm, t: TensorInfo): number {
  return (backend.typedArrayFromHeap(t) as Float32Array).byteOffset;
}

/** The heap's current buffer (a new one after the heap grew). */
export function heapBuffer(backend: BackendWasm): ArrayBufferLike {
  return emscripten(backend).HEAPU8.buffer;
}
