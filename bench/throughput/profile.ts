/** Where one training step's time goes, per kernel: `node dist/bench/throughput/profile.js A` */
import { selectBackend } from '../../src/trainer/backends/index.js';
import { printKernelTimes } from './kernel-times.js';
import { NETS } from './nets.js';
import { makeTrainer } from './train-step.js';

const netName = process.argv[2] ?? 'A';
const backendName = (process.argv[3] ?? 'wasm') as 'wasm' | 'cpu';
const { tf, notes } = await selectBackend(backendName);
console.log(notes.join('\n'));
const net = NETS.find((n) => n.name === netName);
if (net === undefined) throw new Error(`no net ${netName}`);
const trainer = makeTrainer(tf, net, 128);
for (let i = 0; i < 2; i++) trainer.step();
await printKernelTimes(tf, `net ${netName}`, () => {
  trainer.step();
});
trainer.dispose();
