/**
 * Training steps of an ARCH's network on wasm with batch norm fused (kernels/batch-norm.ts) and with tfjs's
 * own batch norm, alternating in one process so that both see the same load:
 * `node dist/bench/throughput/batch-norm-step.js ARCH.json [--threads 1] [--input 28x28x1] [--steps 3] [--rounds 4]`.
 * The model, loss and optimizer are the trainer's (as in profile-arch.ts); the tfjs path is had by
 * unregistering the fused kernel, which makes the model's batch-norm layers fall back to the stock call.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { BATCH_NORM_TRAINING } from '../../src/trainer/backends/kernels/batch-norm.js';
import { buildModel } from '../../src/trainer/index.js';
import { logitsModel } from '../../src/trainer/model/logits.js';
import { createOptimizer } from '../../src/trainer/train/schedule.js';
import { crossEntropyPerExample } from '../../src/trainer/train/loss.js';
import { parseArch, parseShape } from '../../src/space/index.js';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    input: { type: 'string', default: '28x28x1' },
    steps: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '4' },
  },
});
const arch = parseArch(JSON.parse(fs.readFileSync(positionals[0] ?? '', 'utf8')));
const { tf, notes } = await selectBackend('wasm', { threads: Number(options.threads) });
const fusedKernel = tf.getKernel(BATCH_NORM_TRAINING, 'wasm');
if (fusedKernel === undefined) throw new Error('the fused batch-norm kernel is not registered');
const input = parseShape(options.input);
const batch = Number(options.batch);
const model = buildModel(arch, input, 10, { seed: 1 });
const logits = logitsModel(model);
const optimizer = createOptimizer({ learningRate: 1e-3, optimizer: 'adam' }).optimizer;
const x = tf.randomNormal([batch, ...input], 0, 1, 'float32', 1);
const y = tf.randomUniform([batch], 0, 10, 'int32', 2);
const step = () => {
  const loss = optimizer.minimize(() => crossEntropyPerExample(logits.apply(x, { training: true }) as Tensor2D, y as Tensor1D, 0.1).mean() as Scalar, true);
  loss?.dataSync();
  loss?.dispose();
};

function useFused(fused: boolean): void {
  const registered = tf.getKernel(BATCH_NORM_TRAINING, 'wasm') !== undefined;
  if (fused && !registered) tf.registerKernel(fusedKernel as NonNullable<typeof fusedKernel>);
  if (!fused && registered) tf.unregisterKernel(BATCH_NORM_TRAINING, 'wasm');
}

/** Mean ms of `steps` steps, after one untimed step (the first after a switch). */
function timeSteps(fused: boolean, steps: number): number {
  useFused(fused);
  step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  return (performance.now() - start) / steps;
}

console.log(`${positionals[0]}: ${notes.join('; ')}; batch ${batch}`);
const steps = Number(options.steps);
const totals = { stock: [] as number[], fused: [] as number[] };
for (let round = 1; round <= Number(options.rounds); round++) {
  const stock = timeSteps(false, steps);
  const fused = timeSteps(true, steps);
  totals.stock.push(stock);
  totals.fused.push(fused);
  console.log(`round ${round}: tfjs batch norm ${stock.toFixed(0)} ms a step, fused ${fused.toFixed(0)} ms (${(stock / fused).toFixed(2)}x)`);
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const [stockMs, fusedMs] = [median(totals.stock), median(totals.fused)];
console.log(`median: tfjs ${stockMs.toFixed(0)} ms (${((batch * 1000) / stockMs).toFixed(1)} images/s), ` +
  `fused ${fusedMs.toFixed(0)} ms (${((batch * 1000) / fusedMs).toFixed(1)} images/s), ${(stockMs / fusedMs).toFixed(2)}x`);
