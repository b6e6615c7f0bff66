/**
 * Training throughput of the tfjs backend against PyTorch on the CPU, in the same run: two reference nets,
 * batch 128, random data, Adam + softmax cross-entropy, warm-up steps excluded. Prints images/s and the
 * ratio, and writes a markdown fragment for BENCHMARKS.md to bench/out/throughput.md.
 *
 *   node dist/bench/throughput/main.js [--backend wasm] [--steps-a 20] [--steps-b 5] [--warmup 3] [--torch-threads 2]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../src/trainer/backends/index.js';
import type { BackendName } from '../../src/trainer/types.js';
import { packageRoot } from '../../src/util/paths.js';
import { NETS, type NetSpec } from './nets.js';
import { makeTrainer } from './train-step.js';

const BATCH = 128;
const PYTHON = '/usr/bin/python3';
const TARGET_RATIO = 0.5;

interface Measurement {
  net: string;
  steps: number;
  seconds: number;
  /** CPU time of the whole process (all threads) over the measured steps. */
  cpuSeconds: number;
  imagesPerSecond: number;
}

const { values: options } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    'steps-a': { type: 'string', default: '20' },
    'steps-b': { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    'torch-threads': { type: 'string', default: '2' },
    out: { type: 'string', default: path.join(packageRoot(), 'bench', 'out', 'throughput.md') },
  },
});
const steps: Record<NetSpec['name'], number> = { A: Number(options['steps-a']), B: Number(options['steps-b']) };
const warmup = Number(options.warmup);

const loadBefore = os.loadavg();
const selected = await selectBackend(options.backend as BackendName);
console.log(`backend ${selected.name}: ${selected.notes.join('; ')}`);

const rows: { net: NetSpec; tfjs: Measurement; torch: Measurement }[] = [];
for (const net of NETS) {
  const tfjs = measureTfjs(net, steps[net.name]);
  console.log(`net ${net.name} tfjs-${selected.name}: ${describe(tfjs)}`);
  const torch = measureTorch(net, steps[net.name]);
  console.log(`net ${net.name} pytorch: ${describe(torch)}`);
  rows.push({ net, tfjs, torch });
  console.log(`net ${net.name} ratio tfjs/pytorch: ${(tfjs.imagesPerSecond / torch.imagesPerSecond).toFixed(3)}`);
}
const loadAfter = os.loadavg();

fs.mkdirSync(path.dirname(options.out), { recursive: true });
fs.writeFileSync(options.out, markdown());
console.log(`wrote ${options.out}`);

function measureTfjs(net: NetSpec, count: number): Measurement {
  const trainer = makeTrainer(selected.tf, net, BATCH);
  for (let i = 0; i < warmup; i++) trainer.step();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < count; i++) trainer.step();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  trainer.dispose();
  return { net: net.name, steps: count, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, imagesPerSecond: (count * BATCH) / seconds };
}

function measureTorch(net: NetSpec, count: number): Measurement {
  const script = path.join(packageRoot(), 'bench', 'throughput', 'torch_nets.py');
  const args = [script, '--threads', String(options['torch-threads']), '--batch', String(BATCH), '--warmup', String(warmup), `${net.name}:${count}`];
  const output = execFileSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(output.trim().split('\n').pop() ?? '') as Measurement;
}

function describe(m: Measurement): string {
  return `${m.imagesPerSecond.toFixed(1)} images/s, ${imagesPerCpuSecond(m).toFixed(1)} images per CPU-second (${m.steps} steps, ${m.seconds.toFixed(2)} s)`;
}

/** Images per second of CPU time: less sensitive than wall time to the other work on these cores. */
function imagesPerCpuSecond(m: Measurement): number {
  return (m.steps * BATCH) / m.cpuSeconds;
}

function markdown(): string {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `### Training throughput: tfjs-${selected.name} vs PyTorch (CPU), same run`,
    '',
    `Command: \`node dist/bench/throughput/main.js --backend ${options.backend} --steps-a ${steps.A} --steps-b ${steps.B} --warmup ${warmup}\``,
    `Date: ${date} UTC. Machine: ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
    `Backend: ${selected.notes.join('; ')}. PyTorch: Debian python3-torch, ${options['torch-threads']} threads.`,
    `Batch ${BATCH}, random data, Adam + softmax cross-entropy, ${warmup} warm-up steps excluded.`,
    `Load average (1 min) before/after: ${loadBefore[0].toFixed(2)} / ${loadAfter[0].toFixed(2)} (other work shares these cores).`,
    'Images per CPU-second (process CPU time, all threads) is less sensitive to that load; OpenMP spin-waiting counts in it.',
    ...(Math.max(loadBefore[0], loadAfter[0]) > 1.5
      ? ['**Loaded run:** PyTorch\'s 2 OpenMP threads spin-wait and lose far more than tfjs when the cores are shared, so these ratios overstate tfjs; compare with an unloaded PyTorch run before trusting a "met".']
      : []),
    '',
    `| net | tfjs-${selected.name} images/s | PyTorch images/s | ratio | target ${TARGET_RATIO}x: gap | images per CPU-second tfjs / PyTorch (ratio) |`,
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map(({ net, tfjs, torch }) => {
      const ratio = tfjs.imagesPerSecond / torch.imagesPerSecond;
      const gap = ratio >= TARGET_RATIO ? 'met' : `needs ${(TARGET_RATIO / ratio).toFixed(2)}x more`;
      const perCpu = `${imagesPerCpuSecond(tfjs).toFixed(1)} / ${imagesPerCpuSecond(torch).toFixed(1)} (${(imagesPerCpuSecond(tfjs) / imagesPerCpuSecond(torch)).toFixed(3)})`;
      return `| ${net.name} (${net.description}) | ${tfjs.imagesPerSecond.toFixed(1)} | ${torch.imagesPerSecond.toFixed(1)} | ${ratio.toFixed(3)} | ${gap} | ${perCpu} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
