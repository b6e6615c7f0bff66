/**
 * Tile for wasm as block copies on the heap. The package's kernel computes a source index per output element
 * and took 150 ms to tile a [1, 1, 1, 32] batch-norm scale to [64, 28, 28, 32] (tfjs-core's batch-norm
 * gradient does exactly that on every step): most of the training step of a small BN network. Here each source
 * row is copied once and every repetition is a doubling copyWithin: memory speed.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmOverride } from './compose.js';

type Numbers = Float32Array | Int32Array | Uint8Array;

function tile(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: { reps: number[] }, original: tf.KernelConfig): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length === 0) {
    return original.kernelFunc({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  }
  const wasm = backend as unknown as BackendWasm;
  const shape = x.shape.map((size, i) => size * attrs.reps[i]);
  const out = wasm.makeOutput(shape, x.dtype);
  if (tf.util.sizeFromShape(shape) === 0) return out;
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const source = wasm.typedArrayFromHeap(x) as Numbers;
  const target = wasm.typedArrayFromHeap(out) as Numbers;
  fill(source, target, x.shape, attrs.reps, 0, 0, 0, strides(shape), strides(x.shape));
  return out;
}

function strides(shape: number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) result[i] = result[i + 1] * shape[i + 1];
  return result;
}

/** Writes the block of axis `axis` at `to`: the source's slices along the axis, then their repetitions. */
function fill(source: Numbers, target: Numbers, shape: number[], reps: number[], axis: number, from: number, to: number, outStrides: number[], inStrides: number[]): void {
  const size = shape[axis];
  if (axis === shape.length - 1) {
    target.set(source.subarray(from, from + size), to);
  } else {
    for (let i = 0; i < size; i++) fill(source, target, shape, reps, axis + 1, from + i * inStrides[axis], to + i * outStrides[axis], outStrides, inStrides);
  }
  repeat(target, to, size * outStrides[axis], reps[axis]);
}

/** Repeats target[start, start + block) `times` times in place, doubling the copied span each time. */
function repeat(target: Numbers, start: number, block: number, times: number): void {
  let done = 1;
  while (done < times) {
    const copies = Math.min(done, times - done);
    target.copyWithin(start + done * block, start, start + copies * block);
    done += copies;
  }
}

export const tileOverride = (original: tf.KernelConfig) => wasmOverride(original, tile);
