/**
 * Composes a wasm kernel from other wasm kernels: each step calls a registered kernel function directly on
 * TensorInfos (no engine, no tape), and everything made along the way except the result is freed at the end.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Attrs = tf.NamedAttrMap;
type Inputs = Record<string, TensorInfo> | TensorInfo[];

let innerTimes: Map<string, number> | undefined;

/** Starts (or restarts) timing the kernels that composed kernels call; tf.profile only sees the outer ones. */
export function timeComposedKernels(): Map<string, number> {
  innerTimes = new Map();
  return innerTimes;
}

export class KernelComposer {
  private readonly made: TensorInfo[] = [];

  constructor(readonly backend: tf.KernelBackend, private readonly owner = 'composed') {}

  run(kernelName: string, inputs: Inputs, attrs: Attrs = {}): TensorInfo {
    return this.runMany(kernelName, inputs, attrs)[0];
  }

  runMany(kernelName: string, inputs: Inputs, attrs: Attrs = {}): TensorInfo[] {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (kernel === undefined) throw new Error(`wasm kernel ${kernelName} is not registered`);
    return this.runConfig(kernel, inputs, attrs);
  }

  /** Runs a given kernel config (e.g. the package's own version of a kernel overridden here). */
  runConfig(kernel: tf.KernelConfig, inputs: Inputs, attrs: Attrs = {}): TensorInfo[] {
    // Concat takes its inputs as an array; the kernel type only knows named maps.
    const args = { inputs: inputs as tf.NamedTensorInfoMap, attrs, backend: this.backend };
    const start = innerTimes === undefined ? 0 : performance.now();
    const out = kernel.kernelFunc(args) as TensorInfo | TensorInfo[];
    if (innerTimes !== undefined) {
      const key = `${this.owner}/${kernel.kernelName}`;
      innerTimes.set(key, (innerTimes.get(key) ?? 0) + performance.now() - start);
    }
    const outs = Array.isArray(out) ? out : [out];
    this.made.push(...outs);
    return outs;
  }

  /** Takes a tensor made outside this composer into its care (freed at finish unless it is the result). */
  adopt(t: TensorInfo): TensorInfo {
    this.made.push(t);
    return t;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((n, i) => n === x.shape[i])) return x;
    return this.run('Slice', { x }, { begin, size });
  }

  pad(x: TensorInfo, paddings: [number, number][], constantValue = 0): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
    return this.run('PadV2', { x }, { paddings, constantValue });
  }

  concat(tensors: TensorInfo[], axis: number): TensorInfo {
    if (tensors.length === 1) return tensors[0];
    return this.run('Concat', tensors, { axis });
  }

  /** Frees every intermediate except `result`, which the caller hands to the engine. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.made) {
      if (t !== result) this.backend.disposeData(t.dataId);
    }
    return result;
  }
}

/**
 * A wasm kernel that replaces the package's own `original` for some cases and calls it for the rest; it keeps
 * the original's setup (its wasm function bindings are made when the backend starts).
 */
export function wasmOverride<I extends string, A>(
  original: tf.KernelConfig,
  compute: (inputs: Record<I, TensorInfo>, backend: tf.KernelBackend, attrs: A, original: tf.KernelConfig) => TensorInfo,
): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) =>
      compute(inputs as Record<I, TensorInfo>, backend as tf.KernelBackend, attrs as unknown as A, original),
  };
}

/** What a kernel function is called with, its backend typed (tf.KernelFunc's own argument types it as {}). */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}

/** The little of the cpu backend that the kernels registered on it here use. */
export interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array | Int32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** A wasm kernel config from a function of named inputs, the backend and typed attributes. */
export function wasmKernel<I extends string, A>(
  kernelName: string,
  compute: (inputs: Record<I, TensorInfo>, backend: tf.KernelBackend, attrs: A) => TensorInfo,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      compute(inputs as Record<I, TensorInfo>, backend as tf.KernelBackend, attrs as unknown as A),
  };
}
