import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../types.js';

/** Where a training stands after an epoch: enough to continue it exactly as if it had not stopped. */
export interface TrainingState {
  /** What the checkpoint belongs to (a run with other settings must not pick it up). */
  key: string;
  epochsDone: number;
  stepIndex: number;
  plannedEpochs: number;
  elapsedSeconds: number;
  trainImages: number;
  trainSeconds: number;
  history: EpochMetrics[];
  stopper: { best: number; sinceBest: number };
  /** The optimiser's step count (its first weight, which tfjs keeps as an int32 scalar). */
  optimizerIterations: number;
}

export interface TrainingCheckpoint {
  state: TrainingState;
  /** model.getWeights(), in order. */
  weights: tf.Tensor[];
  /** optimizer.getWeights() after its iterations, in order, with their names. */
  optimizer: NamedTensor[];
}

/** A tensor with its name, as tfjs optimisers list their state. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

const MAGIC = 'NASTC1\n';

interface Header {
  state: TrainingState;
  arrays: { name: string; shape: number[]; kind: 'weight' | 'optimizer' }[];
}

/** Writes the checkpoint to `file` atomically (a temporary file renamed over it): a kill mid-write leaves the last one. */
export async function saveTrainingCheckpoint(file: string, checkpoint: TrainingCheckpoint): Promise<void> {
  const entries = [
    ...checkpoint.weights.map((tensor, i) => ({ name: `w${i}`, tensor, kind: 'weight' as const })),
    ...checkpoint.optimizer.map(({ name, tensor }) => ({ name, tensor, kind: 'optimizer' as const })),
  ];
  const header: Header = { state: checkpoint.state, arrays: entries.map(({ name, tensor, kind }) => ({ name, shape: tensor.shape, kind })) };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const parts = [Buffer.from(MAGIC), length, headerBytes];
  for (const { tensor } of entries) {
    const values = Float32Array.from(await tensor.data());
    parts.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, Buffer.concat(parts));
  fs.renameSync(temporary, file);
}

/** The checkpoint in `file` if there is one for `key`; undefined when there is none or it belongs to another run. */
export function loadTrainingCheckpoint(file: string, key: string): TrainingCheckpoint | undefined {
  const read = readHeader(file);
  if (!read || read.header.state.key !== key) return undefined;
  const { header, bytes, offset } = read;
  let at = offset;
  const weights: tf.Tensor[] = [];
  const optimizer: NamedTensor[] = [];
  for (const { name, shape, kind } of header.arrays) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + size * 4));
    at += size * 4;
    const tensor = tf.tensor(values, shape);
    if (kind === 'weight') weights.push(tensor);
    else optimizer.push({ name, tensor });
  }
  return { state: header.state, weights, optimizer };
}

/** How many epochs the checkpoint in `file` holds for `key` (0 when none), without reading its arrays. */
export function checkpointEpochs(file: string, key: string): number {
  const read = readHeader(file);
  return read && read.header.state.key === key ? read.header.state.epochsDone : 0;
}

function readHeader(file: string): { header: Header; bytes: Buffer; offset: number } | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.subarray(0, MAGIC.length).toString() !== MAGIC) return undefined;
  const length = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  return { header: JSON.parse(bytes.subarray(start, start + length).toString()) as Header, bytes, offset: start + length };
}
