/** The panel's measurements and their markdown tables (panel.ts writes them; ceiling.ts reads the JSON). */
import { geomean } from './panel-nets.js';

export interface Rate {
  imagesPerSecond: number;
  seconds: number;
  cpuSeconds?: number;
}

export interface Measurement {
  net: string;
  threads: number;
  round: number;
  /** 'torch', or the tfjs version's label ('now (abc1234)', 'before (6329618)'). */
  side: string;
  train: Rate;
  infer: Rate;
}

export interface PanelRun {
  date: string;
  command: string;
  cpu: string;
  cores: number;
  node: string;
  load: [number, number];
  batch: number;
  steps: number;
  warmup: number;
  /** Each side's warm-up lasted at least this long, and its timed window at least minSeconds (absent: 0). */
  warmupSeconds?: number;
  minSeconds?: number;
  evalImages: number;
  rounds: number;
  threads: number[];
  versions: string[];
  nets: { name: string; label: string; input: number[]; macs: number; params: number; origin: string }[];
  measurements: Measurement[];
}

type Phase = 'train' | 'infer';

/** Images/s of wall time, or images per CPU-second of the process (all its threads). */
export type Metric = 'wall' | 'cpu';

/** The best images/s over the rounds of one net, thread count and side. */
export function best(run: PanelRun, net: string, threads: number, side: string, phase: Phase, metric: Metric = 'wall'): number {
  const values = run.measurements.filter((m) => m.net === net && m.threads === threads && m.side === side).map((m) => {
    const rate = m[phase];
    return metric === 'wall' ? rate.imagesPerSecond : (rate.imagesPerSecond * rate.seconds) / (rate.cpuSeconds ?? NaN);
  });
  return values.length === 0 ? NaN : Math.max(...values);
}

const fmt = (v: number) => (Number.isFinite(v) ? (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)) : '-');
const fmt2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');

function table(run: PanelRun, phase: Phase, metric: Metric = 'wall'): string[] {
  const [t1, t2] = [run.threads[0], run.threads[1]];
  const perThreads = run.threads.flatMap((t) => [`${t} thread${t > 1 ? 's' : ''}: tfjs / PyTorch`, 'ratio']);
  const speedup = t2 === undefined ? [] : [`${t2}/${t1}-thread speedup: tfjs / PyTorch`, 'tfjs speedup / PyTorch\'s'];
  const header = ['net', ...(run.versions.length > 1 ? ['code'] : []), ...perThreads, ...speedup];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 || (i === 1 && run.versions.length > 1) ? '---' : '---:')).join(' | ')} |`];
  for (const version of run.versions) {
    const ratios: number[][] = run.threads.map(() => []);
    const speedRatios: number[] = [];
    for (const net of run.nets) {
      const cells = [net.name, ...(run.versions.length > 1 ? [version] : [])];
      run.threads.forEach((t, i) => {
        const tfjs = best(run, net.name, t, version, phase, metric);
        const torch = best(run, net.name, t, 'torch', phase, metric);
        ratios[i].push(tfjs / torch);
        cells.push(`${fmt(tfjs)} / ${fmt(torch)}`, fmt2(tfjs / torch));
      });
      if (t2 !== undefined) {
        const sTfjs = best(run, net.name, t2, version, phase, metric) / best(run, net.name, t1, version, phase, metric);
        const sTorch = best(run, net.name, t2, 'torch', phase, metric) / best(run, net.name, t1, 'torch', phase, metric);
        speedRatios.push(sTfjs / sTorch);
        cells.push(`${fmt2(sTfjs)} / ${fmt2(sTorch)}`, fmt2(sTfjs / sTorch));
      }
      lines.push(`| ${cells.join(' | ')} |`);
    }
    const mean = ['**geometric mean**', ...(run.versions.length > 1 ? [version] : [])];
    ratios.forEach((r) => mean.push('', `**${fmt2(geomean(r.filter(Number.isFinite)))}**`));
    if (t2 !== undefined) mean.push('', fmt2(geomean(speedRatios.filter(Number.isFinite))));
    lines.push(`| ${mean.join(' | ')} |`);
  }
  return lines;
}

export function panelMarkdown(run: PanelRun): string {
  const lines = [
    `Command: \`${run.command}\``,
    `Date: ${run.date.slice(0, 16).replace('T', ' ')} UTC. Machine: ${run.cores} cores (${run.cpu}), Node ${run.node}; load average (1 min) ${run.load[0].toFixed(2)} before, ${run.load[1].toFixed(2)} after.`,
    `Batch ${run.batch}, ${run.steps} timed training steps after ${run.warmup} warm-up steps${windowsText(run)}; inference over ${run.evalImages} images in batches of 256 after one warm-up batch; ${run.rounds > 1 ? `best of ${run.rounds} rounds` : 'one round'}.`,
    'tfjs: the trainer\'s own loop (trainModel: batches, model, cross-entropy with label smoothing 0.1, fused Adam) on the wasm backend, one process per measurement. PyTorch: Debian\'s python3-torch, the same network (bench/throughput/torch_panel.py), Adam, CrossEntropyLoss(label_smoothing=0.1).',
    '',
    '**Training images/s**',
    '',
    ...table(run, 'train'),
    '',
    '**Inference images/s** (the validation pass: forward only, batches of 256)',
    '',
    ...table(run, 'infer'),
    '',
    '**Training images per CPU-second** (process CPU time, all threads: less sensitive than wall time to other work on the same cores; a speedup here is a parallel efficiency, and OpenMP\'s spin-waiting counts against PyTorch)',
    '',
    ...table(run, 'train', 'cpu'),
    '',
    '| net | ARCH | input | MACs/image | parameters | origin |',
    '| --- | --- | --- | ---: | ---: | --- |',
    ...run.nets.map((n) => `| ${n.name} | \`${n.label}\` | ${n.input.join('x')} | ${(n.macs / 1e6).toFixed(2)}M | ${n.params.toLocaleString('en-US')} | ${n.origin} |`),
    '',
  ];
  return lines.join('\n');
}

function windowsText(run: PanelRun): string {
  if (!run.warmupSeconds && !run.minSeconds) return '';
  return ` (or more: warm-up of at least ${run.warmupSeconds ?? 0} s, timed windows of at least ${run.minSeconds ?? 0} s)`;
}
