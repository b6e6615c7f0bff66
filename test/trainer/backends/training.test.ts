/** Training net A on wasm and on cpu from the same initial weights gives the same losses. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { NETS } from '../../../bench/throughput/nets.js';
import { makeTrainer } from '../../../bench/throughput/train-step.js';
import { selectBackend } from '../../../src/trainer/backends/index.js';

const BATCH = 2;
const STEPS = 5;

async function lossesOn(backend: 'cpu' | 'wasm', initialWeights?: Float32Array[]): Promise<{ losses: number[]; initial: Float32Array[] }> {
  await selectBackend(backend);
  const netA = NETS.find((n) => n.name === 'A');
  assert.ok(netA);
  const trainer = makeTrainer(tf, netA, BATCH, { seed: 7, initialWeights });
  const initial = trainer.weights();
  const losses = Array.from({ length: STEPS }, () => trainer.step());
  trainer.dispose();
  return { losses, initial };
}

/**
 * The draw's own scale with seeded values: a fixed start. From an unseeded start, about 1 run in 100 ended a step
 * 2 % apart (Adam turns float rounding in near-zero gradients into whole steps of either sign); seeded starts
 * stay within 2e-4 of the cpu backend on both the kernels of 2026-12-06 and the ones before them.
 */
function seededLike(weights: Float32Array[], seed: string): Float32Array[] {
  const random = seedrandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return weights.map((w) => {
    const std = Number(Math.sqrt(w.reduce((sum, v) => sum + v * v, 0) / Math.max(1, w.length)).toPrecision(1));
    return Float32Array.from(w, () => (std > 0 ? normal() * std : 0));
  });
}

it(`net A: ${STEPS} Adam steps on wasm give the cpu backend's losses to 1e-3`, async () => {
  const start = seededLike((await lossesOn('cpu')).initial, 'net A');
  const cpu = await lossesOn('cpu', start);
  const wasm = await lossesOn('wasm', start);
  assert.ok(cpu.losses[STEPS - 1] < cpu.losses[0], `training lowers the loss: ${cpu.losses.join(', ')}`);
  cpu.losses.forEach((expected, i) => {
    const difference = Math.abs(wasm.losses[i] - expected);
    assert.ok(difference <= 1e-3 * Math.max(1, Math.abs(expected)), `step ${i + 1}: wasm ${wasm.losses[i]} vs cpu ${expected}`);
  });
});
