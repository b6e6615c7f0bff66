/** Where one training step's time goes, per kernel: `node dist/bench/throughput/profile.js A` */
import { selectBackend, timeComposedKernels } from '../../src/trainer/backends/index.js';
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
const inner = timeComposedKernels();
const start = performance.now();
const info = await tf.profile(() => {
  trainer.step();
});
const wall = performance.now() - start;
const perKernel = new Map<string, { ms: number; count: number }>();
for (const k of info.kernels) {
  const entry = perKernel.get(k.name) ?? { ms: 0, count: 0 };
  entry.ms += k.kernelTimeMs as number;
  entry.count += 1;
  perKernel.set(k.name, entry);
}
const rows = [...perKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
const total = rows.reduce((s, [, e]) => s + e.ms, 0);
console.log(`net ${netName}: step wall ${wall.toFixed(0)} ms (profiled), kernel total ${total.toFixed(0)} ms`);
for (const [name, e] of rows) console.log(`${name.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ms  x${e.count}`);
console.log('inside composed kernels:');
for (const [name, ms] of [...inner.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms`);
trainer.dispose();
