/**
 * Runs tfjs-backend-wasm's threaded SIMD build in Node. The package itself disables threads in Node
 * (tensorflow/tfjs#3830) because its loader hands Emscripten blob: URLs, which Node's worker_threads cannot
 * load. Here the Emscripten module is created with a worker script on disk and the factory's own file as
 * the pthread main script, then wrapped in the package's BackendWasm exactly as its own loader does.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const WASM_PRIORITY = 2;
const FACTORY_FILE = 'tfjs-backend-wasm-threaded-simd.js';
const WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.js';
const BINARY_FILE = 'tfjs-backend-wasm-threaded-simd.wasm';

interface EmscriptenModule {
  PThread: { runningWorkers: { unref(): void }[] };
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: Record<string, unknown>;
}
type ModuleFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

type BackendFactory = NonNullable<ReturnType<typeof tf.findBackendFactory>>;
let packageFactory: BackendFactory | undefined;

/** Puts the package's own 'wasm' registration back (single-threaded SIMD in Node), e.g. after the threaded one failed. */
export function restorePackageWasmBackend(): void {
  if (packageFactory === undefined) return;
  if (tf.findBackendFactory('wasm') !== null) tf.removeBackend('wasm');
  tf.registerBackend('wasm', packageFactory, WASM_PRIORITY);
}

/** Replaces the 'wasm' backend registration by one that loads the threaded SIMD build with `threads` threads. */
export function registerThreadedWasmBackend(threads: number): void {
  const wasmOut = path.dirname(require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${FACTORY_FILE}`));
  const factoryPath = path.join(wasmOut, FACTORY_FILE);
  const binaryPath = path.join(wasmOut, BINARY_FILE);
  const workerPath = writeWorkerScript(require(path.join(wasmOut, WORKER_FILE)).wasmWorkerContents as string);
  const factory = require(factoryPath) as ModuleFactory;
  packageFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  if (tf.findBackendFactory('wasm') !== null) tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await withLogicalCoresReported(2 * threads, () =>
        factory({
          locateFile: (file: string) => (file.endsWith('.worker.js') ? workerPath : file.endsWith('.wasm') ? binaryPath : file),
          mainScriptUrlOrBlob: factoryPath,
        }),
      );
      module.tfjs = wrapBridge(module);
      setThreadsCount(threads);
      // The constructor's type wants the package's private module interface; this is that module.
      const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
      // The pool's threads wait for work forever; they must not keep the process alive.
      for (const worker of module.PThread.runningWorkers) worker.unref();
      return backend;
    },
    WASM_PRIORITY,
  );
}

/** Threads the running wasm backend actually uses (1 for the single-threaded builds). */
export function wasmThreadsInUse(): number {
  return getThreadsCount();
}

/**
 * The module caps its thread pool at half of `os.cpus().length` (it assumes two hyperthreads per core), read
 * once while the module starts: 1 thread on a 2-core machine. Report enough logical cores for `threads` then.
 */
async function withLogicalCoresReported<T>(count: number, start: () => Promise<T>): Promise<T> {
  const realCpus = os.cpus;
  const cpus = realCpus();
  os.cpus = () => Array.from({ length: Math.max(count, cpus.length) }, (_, i) => cpus[i % cpus.length]);
  try {
    return await start();
  } finally {
    os.cpus = realCpus;
  }
}

/** The same js <-> wasm bridge that tfjs-backend-wasm's own init() installs. */
function wrapBridge(module: EmscriptenModule): Record<string, unknown> {
  return {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
}

/**
 * The pthread worker is CommonJS; a .cjs name keeps Node from reading it as an ES module. The package ships it
 * as a string whose "\n" escapes became real newlines inside string literals: escape them back, as its loader does.
 */
function writeWorkerScript(shipped: string): string {
  const contents = shipped.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(contents).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `nas-tfjs-wasm-worker-${hash}.cjs`);
  if (!fs.existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, contents);
    fs.renameSync(partial, file);
  }
  return file;
}
