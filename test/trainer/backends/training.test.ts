/** Training net A on wasm and on cpu from the same initial weights gives the same losses. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
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

it(`net A: ${STEPS} Adam steps on wasm give the cpu backend's losses to 1e-3`, async () => {
  const cpu = await lossesOn('cpu');
  const wasm = await lossesOn('wasm', cpu.initial);
  assert.ok(cpu.losses[STEPS - 1] < cpu.losses[0], `training lowers the loss: ${cpu.losses.join(', ')}`);
  cpu.losses.forEach((expected, i) => {
    const difference = Math.abs(wasm.losses[i] - expected);
    assert.ok(difference <= 1e-3 * Math.max(1, Math.abs(expected)), `step ${i + 1}: wasm ${wasm.losses[i]} vs cpu ${expected}`);
  });
});
