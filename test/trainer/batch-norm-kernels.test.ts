/**
 * The fused batch-norm training op of the wasm backend (kernels/batch-norm.ts, used by the model's
 * BatchNormalization layers) against tfjs's own path on the cpu backend: tf.moments, then tf.batchNorm,
 * with autodiff's gradients; and a few Adam steps of a batch-norm network with a skip on both backends.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertNormalisationMatchesCpu, randomInput, relativeError, runOn, type Input, type NormalisingOp } from './backends/helpers.js';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { batchNormTraining } from '../../src/trainer/backends/kernels/batch-norm.js';
import { loopsOnMemory, simdLoops } from '../../src/trainer/backends/kernels/batch-norm-simd.js';
import { buildModel } from '../../src/trainer/index.js';
import { logitsModel } from '../../src/trainer/model/logits.js';
import { createOptimizer } from '../../src/trainer/train/schedule.js';
import { crossEntropyPerExample } from '../../src/trainer/train/loss.js';
import { parseArch } from '../../src/space/index.js';

const TOLERANCE = 1e-4;
const EPSILON = 1e-3;

/** tfjs-layers' training path (regularNormalizeBatchInTraining): the reference. */
function stockBatchNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return [tf.batchNorm(x, mean, variance, beta, gamma, EPSILON), mean, variance];
}

function normalisation(fused: boolean): NormalisingOp {
  return (a, g, b) => (fused ? batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, EPSILON) : stockBatchNorm(a, g as tf.Tensor1D, b as tf.Tensor1D));
}


async function assertMatchesCpu(shape: number[], offset: number, spread: number, seed: number): Promise<void> {
  const channels = shape[shape.length - 1];
  const x = randomInput(shape, seed);
  x.values.forEach((v, i) => (x.values[i] = offset + spread * (2 * v + ((i % channels) % 5) * 0.3)));
  const gamma = randomInput([channels], seed + 1);
  gamma.values.forEach((v, i) => (gamma.values[i] = 1 + 0.5 * v));
  const inputs: Input[] = [x, gamma, randomInput([channels], seed + 2), randomInput(shape, seed + 3), randomInput([channels], seed + 4), randomInput([channels], seed + 5)];
  await assertNormalisationMatchesCpu(inputs, normalisation, TOLERANCE);
}

describe('fused batch norm in training (wasm) against moments + batchNorm on cpu', () => {
  const cases: { shape: number[]; offset: number; spread?: number }[] = [
    { shape: [4, 6, 6, 16], offset: 0 },
    { shape: [8, 14, 14, 32], offset: 0 },
    { shape: [16, 7, 7, 64], offset: 1.5 },
    { shape: [4, 5, 5, 128], offset: -2 },
    { shape: [2, 28, 28, 64], offset: 0.5 },
    { shape: [64, 128], offset: 0 },
    { shape: [32, 256], offset: 3 },
    { shape: [5, 1, 1, 20], offset: 0 },
    // Channels not a multiple of 4: the JavaScript loops instead of the SIMD ones.
    { shape: [6, 5, 5, 10], offset: 0.5 },
    { shape: [16, 6], offset: -1 },
    // A variance near epsilon.
    { shape: [8, 6, 6, 24], offset: 0.2, spread: 0.03 },
  ];
  cases.forEach(({ shape, offset, spread = 1 }, i) => {
    it(`[${shape.join(', ')}], mean offset ${offset}, spread ${spread}: y, moments and gradients`, async () =>
      assertMatchesCpu(shape, offset, spread, 11 + 7 * i));
  });

  it('keeps the variance of a channel with a large mean (shifted sums)', async () => {
    const shape = [8, 6, 6, 4];
    const input = randomInput(shape, 3);
    input.values.forEach((v, i) => (input.values[i] = 1000 + v));
    const [, , variance] = await runOn('wasm', [input], (x) => batchNormTraining(x, tf.ones([4]), tf.zeros([4]), EPSILON));
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      let squares = 0;
      const n = input.values.length / 4;
      for (let i = c; i < input.values.length; i += 4) sum += input.values[i];
      for (let i = c; i < input.values.length; i += 4) squares += (input.values[i] - sum / n) ** 2;
      assert.ok(Math.abs(variance[c] - squares / n) < 1e-4 * (squares / n), `channel ${c}: ${variance[c]} vs ${squares / n}`);
    }
  });
});

describe('the SIMD loops', () => {
  it('run on the wasm backend (its memory can be imported)', async () => {
    await runOn('wasm', [], () => []);
    assert.notEqual(simdLoops(tf.backend() as Parameters<typeof simdLoops>[0]), null);
  });

  for (const shared of [true, false]) {
    it(`compute sums and affine rows on a ${shared ? 'shared' : 'plain'} memory`, () => {
      const api = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: ArrayBufferLike } } }).WebAssembly;
      const memory = new api.Memory({ initial: 1, maximum: 4, shared });
      const loops = loopsOnMemory(memory);
      const [rows, c] = [300, 8];
      const f32 = new Float32Array(memory.buffer);
      const x = randomInput([rows, c], 5).values;
      const dy = randomInput([rows, c], 6).values;
      // Float offsets: x [rows, C] at 0, then dy, out, and the [C] vectors center, a, b, k, then acc32 [2C] and acc64 [2C] (doubles).
      const size = rows * c;
      const [dyAt, outAt, centerAt] = [size, 2 * size, 3 * size];
      const [aAt, bAt, kAt, accAt] = [centerAt + c, centerAt + 2 * c, centerAt + 3 * c, centerAt + 4 * c];
      f32.set(x, 0);
      f32.set(dy, dyAt);
      for (let ch = 0; ch < c; ch++) [centerAt, aAt, bAt, kAt].forEach((at, j) => (f32[at + ch] = 0.1 * (ch + j)));
      f32.fill(0, accAt, accAt + 6 * c);
      const acc64 = (accAt + 2 * c) * 4;
      const expected = new Float64Array(2 * c);
      for (let i = 0; i < rows * c; i++) {
        const ch = i % c;
        expected[ch] += dy[i];
        expected[c + ch] += dy[i] * (x[i] - f32[centerAt + ch]);
      }
      for (let row = 0; row < rows; row += 128) loops.gradientSums(4 * (dyAt + row * c), 4 * row * c, Math.min(128, rows - row), 4 * c, 4 * centerAt, 4 * accAt, acc64);
      const sums = new Float64Array(memory.buffer, acc64, 2 * c);
      sums.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-4, `sum ${i}: ${value} vs ${expected[i]}`));
      loops.affine(4 * dyAt, 0, 4 * outAt, rows, 4 * c, 4 * aAt, 4 * bAt, 4 * kAt);
      for (let i = 0; i < rows * c; i++) {
        const ch = i % c;
        const want = f32[aAt + ch] * dy[i] + f32[bAt + ch] * x[i] + f32[kAt + ch];
        assert.ok(Math.abs(f32[outAt + i] - want) < 1e-5, `affine ${i}`);
      }
    });
  }
});

// Input 10x10x1: conv-bn, conv-bn with a skip from the first, max pool, conv-bn with a skip, global pool.
const SKIP_ARCH = [
  { type: 'C', num_output: 8, kernel_size: 3, batch_norm: true },
  { type: 'C', num_output: 8, kernel_size: 3, batch_norm: true, skip_from: 0 },
  { type: 'P', pool: 'max', kernel_size: 2 },
  { type: 'C', num_output: 16, kernel_size: 3, batch_norm: true },
  { type: 'C', num_output: 16, kernel_size: 3, batch_norm: true, skip_from: 3 },
  { type: 'P', pool: 'global_avg' },
  { type: 'FC', num_output: 12, batch_norm: true },
  { type: 'T' },
];
const STEPS = 5;

interface Run {
  losses: number[];
  initial: Float32Array[];
  final: Float32Array[];
  kernels: string[];
}

async function trainOn(backend: 'cpu' | 'wasm', initial?: Float32Array[], arch: unknown[] = SKIP_ARCH, size = 10, fusePools = true): Promise<Run> {
  await selectBackend(backend);
  const model = buildModel(parseArch(arch), [size, size, 1], 5, { seed: 3, fusePools });
  // A fixed dropout mask (without a seed each call draws one from Math.random).
  for (const layer of model.layers) if (layer.getClassName() === 'Dropout') (layer as unknown as { seed: number }).seed = 7;
  if (initial !== undefined) {
    const values = model.getWeights().map((w, i) => tf.tensor(initial[i], w.shape));
    model.setWeights(values);
    tf.dispose(values);
  }
  const start = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const logits = logitsModel(model);
  const optimizer = createOptimizer({ learningRate: 1e-2, optimizer: 'adam' }).optimizer;
  const x = tf.tensor(randomInput([6, size, size, 1], 21).values, [6, size, size, 1]);
  const y = tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32');
  const step = () => {
    const loss = optimizer.minimize(() => crossEntropyPerExample(logits.apply(x, { training: true }) as tf.Tensor2D, y, 0.1).mean() as tf.Scalar, true);
    const value = (loss as tf.Scalar).dataSync()[0];
    loss?.dispose();
    return value;
  };
  const losses = [step()];
  const profile = await tf.profile(() => void losses.push(step()));
  while (losses.length < STEPS) losses.push(step());
  const final = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
  return { losses, initial: start, final, kernels: profile.kernels.map((k) => k.name) };
}

it(`a batch-norm network with skips: ${STEPS} Adam steps on wasm give the cpu backend's losses to 1e-3`, async () => {
  const cpu = await trainOn('cpu');
  const before = tf.memory().numTensors;
  const wasm = await trainOn('wasm', cpu.initial);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.ok(wasm.kernels.includes('NasBatchNormTraining'), 'the fused kernel trains the wasm model');
  assert.ok(!cpu.kernels.includes('NasBatchNormTraining'), 'the cpu model trains with the stock layer');
  assert.ok(cpu.losses[STEPS - 1] < cpu.losses[0], `training lowers the loss: ${cpu.losses.join(', ')}`);
  cpu.losses.forEach((expected, i) => {
    const difference = Math.abs(wasm.losses[i] - expected);
    assert.ok(difference <= 1e-3 * Math.max(1, Math.abs(expected)), `step ${i + 1}: wasm ${wasm.losses[i]} vs cpu ${expected}`);
  });
  // Every weight after the steps, moving means and variances included.
  cpu.final.forEach((expected, i) => assert.ok(relativeError(wasm.final[i], expected) < 1e-3, `weight ${i}: ${relativeError(wasm.final[i], expected)}`));
});

// Input 12x12x1: conv-bn-max pool three times (12 -> 6 -> 3: the third pool's input is odd, so its layers run apart).
const POOLED_ARCH = [
  { type: 'C', num_output: 8, kernel_size: 3, batch_norm: true },
  { type: 'P', pool: 'max', kernel_size: 2 },
  { type: 'C', num_output: 12, kernel_size: 3, batch_norm: true, activation: 'elu' },
  { type: 'P', pool: 'max', kernel_size: 2 },
  { type: 'C', num_output: 8, kernel_size: 3, batch_norm: true, activation: 'linear' },
  { type: 'P', pool: 'max', kernel_size: 2 },
  { type: 'T' },
];

it(`batch norm with the max pool after it as one op: ${STEPS} Adam steps on wasm give the cpu backend's losses to 1e-3`, async () => {
  const cpu = await trainOn('cpu', undefined, POOLED_ARCH, 12);
  const before = tf.memory().numTensors;
  const wasm = await trainOn('wasm', cpu.initial, POOLED_ARCH, 12);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  assert.equal(wasm.kernels.filter((k) => k === 'NasBatchNormMaxPool').length, 2, 'the two pools of even inputs train as one op with their batch norm');
  assert.equal(wasm.kernels.filter((k) => k === 'NasBatchNormTraining').length, 1, 'the third (3x3 input) runs apart');
  assert.ok(cpu.losses[STEPS - 1] < cpu.losses[0], `training lowers the loss: ${cpu.losses.join(', ')}`);
  cpu.losses.forEach((expected, i) => {
    const difference = Math.abs(wasm.losses[i] - expected);
    assert.ok(difference <= 1e-3 * Math.max(1, Math.abs(expected)), `step ${i + 1}: wasm ${wasm.losses[i]} vs cpu ${expected}`);
  });
  cpu.final.forEach((expected, i) => assert.ok(relativeError(wasm.final[i], expected) < 1e-3, `weight ${i}: ${relativeError(wasm.final[i], expected)}`));
});

it('batch norm and max pool as one op, with dropout after the pool: the same losses and weights as apart, on wasm', async () => {
  const withDropout = POOLED_ARCH.map((layer, i) => (i < 2 ? { ...layer, drop_out: 10 } : layer));
  const apart = await trainOn('wasm', undefined, withDropout, 12, false);
  const fused = await trainOn('wasm', apart.initial, withDropout, 12, true);
  assert.equal(apart.kernels.filter((k) => k === 'NasBatchNormMaxPool').length, 0);
  assert.equal(fused.kernels.filter((k) => k === 'NasBatchNormMaxPool').length, 2, 'the conv\'s dropout follows the pool: the pair still fuses');
  apart.losses.forEach((expected, i) => assert.ok(Math.abs(fused.losses[i] - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `step ${i + 1}: ${fused.losses[i]} vs ${expected}`));
  apart.final.forEach((expected, i) => assert.ok(relativeError(fused.final[i], expected) < 1e-4, `weight ${i}: ${relativeError(fused.final[i], expected)}`));
});

it('a model whose batch norm and max pool train as one op saves as stock layers', async () => {
  await selectBackend('wasm');
  const model = buildModel(parseArch(POOLED_ARCH), [12, 12, 1], 5, { seed: 3 });
  const config = model.toJSON(undefined, false) as { config: { layers: { class_name: string }[] } };
  const classes = config.config.layers.map((l) => l.class_name);
  assert.deepEqual(classes.filter((name) => name === 'BatchNormalization' || name === 'MaxPooling2D'), Array(3).fill(['BatchNormalization', 'MaxPooling2D']).flat());
  const loaded = await tf.models.modelFromJSON(config as unknown as tf.io.ModelJSON);
  loaded.setWeights(model.getWeights());
  const x = tf.randomNormal([2, 12, 12, 1]);
  const [mine, stock] = [model, loaded].map((m) => m.predict(x) as tf.Tensor);
  assert.ok(relativeError(mine.dataSync() as Float32Array, stock.dataSync() as Float32Array) < 1e-6, 'the stock layers predict the same');
  tf.dispose([x, mine, stock]);
  model.dispose();
  loaded.dispose();
});

it('a model with the fused layer saves as stock BatchNormalization layers with the stock weights', async () => {
  await selectBackend('cpu');
  const arch = parseArch(SKIP_ARCH);
  const model = buildModel(arch, [10, 10, 1], 5, { seed: 3 });
  const norms = model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
  assert.equal(norms.length, 5);
  for (const layer of norms) {
    assert.deepEqual(layer.weights.map((w) => w.name.split('/').pop()), ['gamma', 'beta', 'moving_mean', 'moving_variance']);
  }
  const config = model.toJSON(undefined, false) as { config: { layers: { class_name: string }[] } };
  assert.equal(config.config.layers.filter((l) => l.class_name === 'BatchNormalization').length, 5);
  const loaded = await tf.models.modelFromJSON(config as unknown as tf.io.ModelJSON);
  assert.deepEqual(loaded.weights.map((w) => w.shape), model.weights.map((w) => w.shape));
  model.dispose();
  loaded.dispose();
});
