/**
 * One panel net's training step with the kernel pool's threads off (limit 1) and on, alternating in one process
 * (the fairest comparison on a busy machine): best step time of each over --rounds, and per kernel (tf.profile)
 * the best time of each. The step is profile-arch.ts's (the trainer's model, loss and optimizer).
 *
 *   node dist/bench/throughput/kernel-threads-step.js --net p1 [--threads 2] [--rounds 5] [--steps 4]
 */
import { parseArgs } from 'node:util';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { setKernelThreadLimit } from '../../src/trainer/backends/kernels/threads/pool.js';
import { loadPanel } from './panel-nets.js';
import { trainingStep } from './training-step.js';

const { values: options } = parseArgs({ options: { net: { type: 'string', default: 'p1' }, threads: { type: 'string', default: '2' }, rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '4' } } });
const [net] = loadPanel([options.net]);
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
const step = trainingStep(tf, net.arch, net.input, 64);
for (let i = 0; i < 3; i++) step();
await new Promise((resolve) => setTimeout(resolve, 200));

const settings = [{ label: 'off', limit: 1 }, { label: 'on', limit: Infinity }];
const bestStep = settings.map(() => Infinity);
const kernels = new Map<string, number[]>();
for (let round = 0; round < Number(options.rounds); round++) {
  for (const [i, s] of settings.entries()) {
    setKernelThreadLimit(s.limit);
    step();
    const start = performance.now();
    for (let k = 0; k < Number(options.steps); k++) step();
    bestStep[i] = Math.min(bestStep[i], (performance.now() - start) / Number(options.steps));
    const perKernel = new Map<string, number>();
    for (const k of (await tf.profile(step)).kernels) perKernel.set(k.name, (perKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    for (const [name, ms] of perKernel) {
      const entry = kernels.get(name) ?? settings.map(() => Infinity);
      entry[i] = Math.min(entry[i], ms);
      kernels.set(name, entry);
    }
  }
}
console.log(`${net.name}, ${options.threads} threads: step ${bestStep.map((ms, i) => `${settings[i].label} ${ms.toFixed(1)} ms`).join(', ')} (${((64 * 1000) / bestStep[0]).toFixed(0)} -> ${((64 * 1000) / bestStep[1]).toFixed(0)} images/s)`);
for (const [name, ms] of [...kernels].sort((a, b) => b[1][0] - a[1][0]).slice(0, 14)) console.log(`  ${name.padEnd(26)} ${ms.map((m) => m.toFixed(2).padStart(8)).join(' ')}`);
