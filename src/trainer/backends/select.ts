/**
 * Backend choice: `auto` tries tfjs-node-gpu, tfjs-node, the threaded wasm build, then the pure-JS cpu
 * backend, and says what it got and why the better ones were not available. Explicit names fail with a
 * BackendError and a one-line reason.
 */
import os from 'node:os';
import * as tfjs from '@tensorflow/tfjs';
import { BackendError } from '../../errors.js';
import type { BackendName } from '../types.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './kernels/index.js';
import { kernelPool } from './kernels/threads/pool.js';
import { registerThreadedWasmBackend, restorePackageWasmBackend, wasmThreadsInUse } from './wasm-threaded.js';

export type ResolvedBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type Tf = typeof tfjs;

export interface SelectedBackend {
  name: ResolvedBackendName;
  tf: Tf;
  notes: string[];
}

export interface SelectOptions {
  /** wasm threads; defaults to the number of cores. Fixed by the first wasm selection in a process. */
  threads?: number;
}

/** Loads a module by name; a parameter so that tests can stand in for packages this machine cannot install. */
export type ModuleLoader = (specifier: string) => Promise<unknown>;

// A non-literal specifier: tsc must not need the optional native packages.
const importModule: ModuleLoader = (specifier) => import(specifier);

const AUTO_ORDER: ResolvedBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export async function selectBackend(requested: BackendName, opts: SelectOptions = {}, load: ModuleLoader = importModule): Promise<SelectedBackend> {
  if (requested !== 'auto') {
    const attempt = await tryBackend(requested, opts, load);
    if (!attempt.ok) throw new BackendError(`backend '${requested}' is not available: ${attempt.reason}`);
    return attempt.backend;
  }
  const notes: string[] = [];
  for (const name of AUTO_ORDER) {
    const attempt = await tryBackend(name, opts, load);
    if (attempt.ok) {
      return { ...attempt.backend, notes: [`auto chose '${name}'`, ...notes, ...attempt.backend.notes] };
    }
    notes.push(`'${name}' not available: ${attempt.reason}`);
  }
  throw new BackendError(`no backend is available: ${notes.join('; ')}`);
}

type Attempt = { ok: true; backend: SelectedBackend } | { ok: false; reason: string };

async function tryBackend(name: ResolvedBackendName, opts: SelectOptions, load: ModuleLoader): Promise<Attempt> {
  try {
    switch (name) {
      case 'tensorflow-gpu':
        return await tryTensorflow('@tensorflow/tfjs-node-gpu', true, load);
      case 'tensorflow':
        return await tryTensorflowCpu(load);
      case 'wasm':
        return await tryWasm(opts.threads ?? os.availableParallelism());
      case 'cpu':
        await activate(tfjs, 'cpu');
        return { ok: true, backend: { name: 'cpu', tf: tfjs, notes: ['pure-JS cpu backend: very slow for training'] } };
    }
  } catch (error) {
    return { ok: false, reason: firstLine(error) };
  }
}

async function tryTensorflow(pkg: string, wantGpu: boolean, load: ModuleLoader): Promise<Attempt> {
  let tf: Tf;
  try {
    tf = (await load(pkg)) as Tf;
  } catch (error) {
    return { ok: false, reason: `${pkg} cannot be loaded (${firstLine(error)})` };
  }
  await activate(tf, 'tensorflow');
  const gpu = usesGpu(tf.backend());
  if (!wantGpu) {
    return { ok: true, backend: { name: 'tensorflow', tf, notes: [`${pkg}: TensorFlow (libtensorflow) on the CPU`] } };
  }
  if (gpu === true) {
    return { ok: true, backend: { name: 'tensorflow-gpu', tf, notes: [`${pkg}: TensorFlow on a CUDA GPU`] } };
  }
  const why = gpu === false
    ? 'TensorFlow found no usable GPU (CUDA 11.2 / cuDNN 8.1 libraries missing, or no device) and silently fell back to the CPU'
    : 'it loaded but cannot tell whether it runs on a GPU';
  return { ok: false, reason: `${pkg} ${why}` };
}

/** tfjs-node, else tfjs-node-gpu's TensorFlow on the CPU (the same library, built with CUDA support). */
async function tryTensorflowCpu(load: ModuleLoader): Promise<Attempt> {
  const plain = await tryTensorflow('@tensorflow/tfjs-node', false, load);
  if (plain.ok) return plain;
  const gpuPackage = await tryTensorflow('@tensorflow/tfjs-node-gpu', false, load);
  return gpuPackage.ok ? gpuPackage : { ok: false, reason: `${plain.reason}; ${gpuPackage.reason}` };
}

/**
 * Whether a tfjs-node backend computes on a GPU: the binding answers isUsingGpuDevice(); undefined when the
 * backend does not say.
 */
export function usesGpu(backend: unknown): boolean | undefined {
  const b = backend as { isUsingGpuDevice?: unknown; binding?: { isUsingGpuDevice?: () => boolean } };
  if (typeof b.isUsingGpuDevice === 'boolean') return b.isUsingGpuDevice;
  if (typeof b.binding?.isUsingGpuDevice === 'function') return b.binding.isUsingGpuDevice();
  return undefined;
}

let wasmRegisteredThreads: number | undefined;

async function tryWasm(threads: number): Promise<Attempt> {
  const notes: string[] = [];
  if (wasmRegisteredThreads === undefined) {
    registerThreadedWasmBackend(threads);
    registerWasmTrainingKernels();
    wasmRegisteredThreads = threads;
  } else if (wasmRegisteredThreads !== threads) {
    notes.push(`wasm threads stay at ${wasmRegisteredThreads} (fixed by the first wasm selection in this process)`);
  }
  try {
    await activate(tfjs, 'wasm');
    // The kernels' own threads take tens of milliseconds to start: start them now, not at the first step.
    kernelPool(tfjs.backend() as unknown as BackendWasm);
    notes.unshift(`tfjs-backend-wasm threaded SIMD build, ${wasmThreadsInUse()} thread(s), composed training kernels`);
  } catch (error) {
    restorePackageWasmBackend();
    await activate(tfjs, 'wasm');
    notes.unshift(`tfjs-backend-wasm single-threaded build (the threaded one failed: ${firstLine(error)}), composed training kernels`);
  }
  return { ok: true, backend: { name: 'wasm', tf: tfjs, notes } };
}

async function activate(tf: Tf, backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}
