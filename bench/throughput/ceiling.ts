/**
 * The ceiling of issue 20: how fast each panel net could train if every multiply-accumulate of a training step
 * ran at the speed of XNNPACK's forward pass for its layer's shape and nothing else cost anything.
 *
 * Times the wasm backend's forward convolution (tf.conv2d: the package's XNNPACK Conv2D, also where the trainer
 * runs its own loops for narrow inputs) and matrix product (tf.matMul: BatchMatMul as the trainer registers
 * it, at batch 64 the SIMD loops of dense-product.ts) on every distinct layer shape of the panel, in one process
 * per thread count, with the same operands each call (packed once: the kernels' best speed). A step's ceiling
 * time is the sum over the net's weighted layers of k x the forward time of its shape, k = 3 (forward, input
 * gradient, weight gradient) or 2 for the first layer (no input gradient); the ceiling in images/s is the batch
 * over that time. Each net's measured images/s (the panel's JSON, from panel.ts) is shown as a fraction of it.
 *
 *   node dist/bench/throughput/ceiling.js [--threads 1,2] [--min-seconds 0.5] [--panel bench/out/panel.json]
 *     [--out bench/out/ceiling.md] [--json bench/out/ceiling.json] [--from-json FILE]
 *
 * The kernels' times go to --json; --from-json FILE times nothing and reports those of an earlier run (against
 * the --panel given now).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { restorePackageKernels } from '../../src/trainer/backends/kernels/index.js';
import { packageRoot } from '../../src/util/paths.js';
import { loadPanel, shapeKey, type PanelNet, type WeightedLayer } from './panel-nets.js';
import { best, type PanelRun } from './panel-report.js';

const BATCH = 64;

const { values: options } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' },
    'min-seconds': { type: 'string', default: '0.5' },
    panel: { type: 'string', default: path.join(packageRoot(), 'bench', 'out', 'panel.json') },
    out: { type: 'string', default: path.join(packageRoot(), 'bench', 'out', 'ceiling.md') },
    json: { type: 'string', default: path.join(packageRoot(), 'bench', 'out', 'ceiling.json') },
    'from-json': { type: 'string' },
    worker: { type: 'boolean', default: false },
  },
});

const nets = loadPanel();
const shapes = distinctShapes(nets);

interface Timing {
  threads: number;
  backend: string;
  /** Milliseconds of one forward call at batch 64, by shape key. */
  times: Record<string, number>;
}

interface CeilingRun {
  date: string;
  command: string;
  load: number;
  minSeconds: string;
  timings: Timing[];
}

if (options.worker) await timeShapes(Number(options.threads));
else report(options['from-json'] === undefined ? measure() : (JSON.parse(fs.readFileSync(options['from-json'], 'utf8')) as CeilingRun));

/** Every distinct weighted-layer shape of the panel, with the nets that have it. */
function distinctShapes(all: PanelNet[]): Map<string, { layer: WeightedLayer; nets: Set<string> }> {
  const map = new Map<string, { layer: WeightedLayer; nets: Set<string> }>();
  for (const net of all) {
    for (const layer of net.layers) {
      const entry = map.get(shapeKey(layer)) ?? { layer, nets: new Set<string>() };
      entry.nets.add(net.name);
      map.set(shapeKey(layer), entry);
    }
  }
  return map;
}

/** Worker: milliseconds of one forward call at batch 64, the fastest of the calls made in min-seconds, per shape key. */
async function timeShapes(threads: number): Promise<void> {
  const { tf, notes } = await selectBackend('wasm', { threads });
  await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);
  // XNNPACK's own convolutions, not the trainer's loops for narrow inputs (kernels/narrow-conv.ts).
  restorePackageKernels(['Conv2D', 'FusedConv2D']);
  const minMs = Number(options['min-seconds']) * 1000;
  const times: Record<string, number> = {};
  for (const [key, { layer }] of shapes) {
    const [x, w] = tf.tidy(() => layer.kind === 'conv'
      ? [tf.randomNormal([BATCH, ...layer.inShape]), tf.randomNormal([...layer.kernel, layer.inShape[2], layer.outputs], 0, 0.1)]
      : [tf.randomNormal([BATCH, layer.inShape[0]]), tf.randomNormal([layer.inShape[0], layer.outputs], 0, 0.1)]);
    const call = (): Tensor => layer.kind === 'conv'
      ? tf.conv2d(x as Tensor4D, w as Tensor4D, layer.stride, layer.padding)
      : tf.matMul(x as Tensor2D, w as Tensor2D);
    for (let i = 0; i < 2; i++) call().dispose();
    let fastest = Infinity;
    const start = performance.now();
    for (let calls = 0; calls < 3 || performance.now() - start < minMs; calls++) {
      const t0 = performance.now();
      const y = call(); // the wasm backend computes synchronously: the kernel has run when the call returns
      fastest = Math.min(fastest, performance.now() - t0);
      y.dispose();
    }
    times[key] = fastest;
    tf.dispose([x, w]);
  }
  console.log(JSON.stringify({ threads, backend: notes.join('; '), times }));
}

/** Main: one worker per thread count; the timings are saved to --json. */
function measure(): CeilingRun {
  const script = fileURLToPath(import.meta.url);
  const timings = options.threads.split(',').map(Number).map((threads) => {
    const output = execFileSync(process.execPath, [script, '--worker', '--threads', String(threads), '--min-seconds', options['min-seconds']], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const parsed = JSON.parse(output.trim().split('\n').pop() ?? '') as Timing;
    console.log(`timed ${Object.keys(parsed.times).length} shapes at ${threads} thread(s): ${parsed.backend}`);
    return parsed;
  });
  const command = `node dist/bench/throughput/ceiling.js ${process.argv.slice(2).join(' ')}`.trim();
  const run: CeilingRun = { date: new Date().toISOString(), command, load: os.loadavg()[0], minSeconds: options['min-seconds'], timings };
  fs.mkdirSync(path.dirname(options.json), { recursive: true });
  fs.writeFileSync(options.json, JSON.stringify(run, null, 1));
  return run;
}

/** The tables: each net's ceiling against its measured images/s, and the kernels' speeds per shape. */
function report({ date, command, load, minSeconds, timings }: CeilingRun): void {
  const threadCounts = timings.map((t) => t.threads);
  const panel = fs.existsSync(options.panel) ? (JSON.parse(fs.readFileSync(options.panel, 'utf8')) as PanelRun) : undefined;
  const now = panel?.versions[panel.versions.length - 1];
  const g = (v: number) => (v / 1e9).toFixed(1);
  const fmt = (v: number) => (Number.isFinite(v) ? (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)) : '-');
  const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '-');

  const stepMs = (net: PanelNet, times: Record<string, number>) => net.layers.reduce((s, l) => s + (l.first ? 2 : 3) * times[shapeKey(l)], 0);
  const trainMacs = (net: PanelNet) => net.layers.reduce((s, l) => s + (l.first ? 2 : 3) * l.macs, 0);
  const perThreads = threadCounts.flatMap((t) => [`${t}t: ceiling images/s`, `${t}t: measured`, `${t}t: fraction`, `${t}t: ceiling / PyTorch`]);
  const lines = [
    `Command: \`${command}\``,
    `Date: ${date.slice(0, 16).replace('T', ' ')} UTC. Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; load average (1 min) ${load.toFixed(2)} at the end.`,
    `Forward kernels at batch ${BATCH}, the fastest call of at least ${minSeconds} s of calls per shape. Measured images/s: ${panel === undefined ? 'none (no panel JSON)' : `${options.panel}, ${now}, ${panel.date.slice(0, 16).replace('T', ' ')} UTC`}.`,
    '',
    `| net | training MACs/image | ${perThreads.join(' | ')} |`,
    `| --- | ---: | ${perThreads.map(() => '---:').join(' | ')} |`,
  ];
  for (const net of nets) {
    const cells = [net.name, `${(trainMacs(net) / 1e6).toFixed(1)}M`];
    timings.forEach(({ threads, times }) => {
      const ceiling = (BATCH * 1000) / stepMs(net, times);
      const measured = panel === undefined || now === undefined ? NaN : best(panel, net.name, threads, now, 'train');
      const torch = panel === undefined ? NaN : best(panel, net.name, threads, 'torch', 'train');
      cells.push(fmt(ceiling), fmt(measured), pct(measured / ceiling), Number.isFinite(torch) ? (ceiling / torch).toFixed(2) : '-');
    });
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', `| layer shape (input -> outputs) | nets | forward MACs at batch ${BATCH} | ${threadCounts.map((t) => `${t}t: ms / GMAC/s`).join(' | ')} |`);
  lines.push(`| --- | --- | ---: | ${threadCounts.map(() => '---:').join(' | ')} |`);
  for (const [key, { layer, nets: users }] of shapes) {
    const macs = layer.macs * BATCH;
    const cells = timings.map(({ times }) => `${times[key].toFixed(2)} / ${g(macs / (times[key] / 1000))}`);
    lines.push(`| ${key} | ${[...users].join(', ')} | ${(macs / 1e6).toFixed(0)}M | ${cells.join(' | ')} |`);
  }
  lines.push('');
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, lines.join('\n'));
  console.log(`wrote ${options.out}\n\n${lines.join('\n')}`);
}
