/** Profiles one training step and prints where its time went, per kernel and inside the composed kernels. */
import { timeComposedKernels, type Tf } from '../../src/trainer/backends/index.js';

export async function printKernelTimes(tf: Tf, label: string, step: () => void): Promise<void> {
  const inner = timeComposedKernels();
  const start = performance.now();
  const info = await tf.profile(step);
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
  console.log(`${label}: step wall ${wall.toFixed(0)} ms (profiled), kernel total ${total.toFixed(0)} ms`);
  for (const [name, e] of rows) console.log(`${name.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms  x${e.count}`);
  console.log('inside composed kernels:');
  for (const [name, ms] of [...inner.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms`);
}
