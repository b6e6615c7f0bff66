/**
 * The throughput panel of issue 20: every panel net (panel-nets.ts) trained by the trainer on the wasm backend
 * (panel-worker.ts, one process per measurement) and the same net in PyTorch (torch_panel.py), alternating per
 * net, at batch 64 and at each thread count, warm-up excluded; then the validation pass (forward only, batches
 * of 256) on both sides. Writes a markdown report and the raw measurements (for ceiling.ts).
 *
 *   node dist/bench/throughput/panel.js [--steps 20] [--warmup 3] [--eval-batches 4] [--threads 1,2]
 *     [--nets p1,h1] [--rounds 1] [--before DIR] [--out bench/out/panel.md] [--json bench/out/panel.json]
 *     [--warmup-seconds 0] [--min-seconds 0]
 *
 * --warmup-seconds W --min-seconds S: on both sides, warm-up lasts at least W seconds and the timed window at least
 * S seconds, besides --warmup and --steps steps (so small nets are timed past their first steps' costs).
 *
 * --before DIR: a built checkout of another commit (e.g. a git worktree of 6329618 with this panel-worker.ts
 * copied in and `npm run build` run) whose dist/bench/throughput/panel-worker.js is measured too, alternating
 * with this checkout's, for the "before" column. With --rounds R every measurement is taken R times and the
 * best (highest images/s) is kept. --from-json FILE measures nothing and writes the report of an earlier run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../src/util/paths.js';
import { CLASSES, loadPanel, type PanelNet } from './panel-nets.js';
import { panelMarkdown, type Measurement, type PanelRun, type Rate } from './panel-report.js';

const PYTHON = '/usr/bin/python3';

const { values: options } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    'eval-batches': { type: 'string', default: '4' },
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1,2' },
    nets: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    before: { type: 'string' },
    out: { type: 'string', default: path.join(packageRoot(), 'bench', 'out', 'panel.md') },
    json: { type: 'string', default: path.join(packageRoot(), 'bench', 'out', 'panel.json') },
    'from-json': { type: 'string' },
    'warmup-seconds': { type: 'string', default: '0' },
    'min-seconds': { type: 'string', default: '0' },
  },
});

if (options['from-json'] !== undefined) {
  const earlier = JSON.parse(fs.readFileSync(options['from-json'], 'utf8')) as PanelRun;
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, panelMarkdown(earlier));
  console.log(panelMarkdown(earlier));
  process.exit(0);
}

const nets = loadPanel(options.nets?.split(','));
const threadCounts = options.threads.split(',').map(Number);
const rounds = Number(options.rounds);
const windows = Number(options['warmup-seconds']) > 0 || Number(options['min-seconds']) > 0
  ? ['--warmup-seconds', options['warmup-seconds'], '--min-seconds', options['min-seconds']] : [];
const common = ['--batch', options.batch, '--steps', options.steps, '--warmup', options.warmup, '--eval-batches', options['eval-batches'], ...windows];
const versions = [
  ...(options.before === undefined ? [] : [{ label: `before (${commitOf(options.before)})`, root: path.resolve(options.before) }]),
  { label: `now (${commitOf(packageRoot())})`, root: packageRoot() },
];
const specDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-panel-'));

const started = new Date();
const loadBefore = os.loadavg()[0];
const measurements: Measurement[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const threads of threadCounts) {
    for (const net of nets) {
      // tfjs of the first version, PyTorch, then tfjs of the other version (if any): alternating per net.
      versions.forEach((version, i) => {
        record(net, threads, round, version.label, () => tfjs(version.root, net, threads));
        if (i === 0) record(net, threads, round, 'torch', () => torch(net, threads));
      });
    }
  }
}
const loadAfter = os.loadavg()[0];
fs.rmSync(specDir, { recursive: true, force: true });

const run: PanelRun = {
  date: started.toISOString(),
  command: `node dist/bench/throughput/panel.js ${process.argv.slice(2).join(' ')}`.trim(),
  cpu: os.cpus()[0]?.model ?? 'unknown CPU',
  cores: os.cpus().length,
  node: process.version,
  load: [loadBefore, loadAfter],
  batch: Number(options.batch),
  steps: Number(options.steps),
  warmup: Number(options.warmup),
  warmupSeconds: Number(options['warmup-seconds']),
  minSeconds: Number(options['min-seconds']),
  evalImages: 256 * Number(options['eval-batches']),
  rounds,
  threads: threadCounts,
  versions: versions.map((v) => v.label),
  nets: nets.map((n) => ({ name: n.name, label: n.label, input: n.input, macs: n.macs, params: n.params, origin: n.origin })),
  measurements,
};
fs.mkdirSync(path.dirname(options.out), { recursive: true });
fs.writeFileSync(options.json, JSON.stringify(run, null, 1));
fs.writeFileSync(options.out, panelMarkdown(run));
console.log(`\nwrote ${options.out} and ${options.json}\n`);
console.log(panelMarkdown(run));

function record(net: PanelNet, threads: number, round: number, side: string, measure: () => { train: Rate; infer: Rate }): void {
  const result = measure();
  measurements.push({ net: net.name, threads, round, side, train: result.train, infer: result.infer });
  const f = (r: Rate) => r.imagesPerSecond.toFixed(1);
  console.log(`round ${round} ${net.name} ${threads}t ${side.padEnd(20)} train ${f(result.train)} images/s, infer ${f(result.infer)} images/s`);
}

function tfjs(root: string, net: PanelNet, threads: number): { train: Rate; infer: Rate } {
  const script = path.join(root, 'dist', 'bench', 'throughput', 'panel-worker.js');
  const args = [script, '--arch', net.file, '--input', net.input.join('x'), '--classes', String(CLASSES), '--threads', String(threads), ...common];
  return lastJson(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
}

function torch(net: PanelNet, threads: number): { train: Rate; infer: Rate } {
  const spec = path.join(specDir, `${net.name}.json`);
  fs.writeFileSync(spec, JSON.stringify({ arch: net.arch, input: net.input, classes: CLASSES, shapes: net.shapes }));
  const script = path.join(packageRoot(), 'bench', 'throughput', 'torch_panel.py');
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  const args = [script, '--spec', spec, '--threads', String(threads), ...common];
  return lastJson(execFileSync(PYTHON, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
}

function lastJson(output: string): { train: Rate; infer: Rate } {
  return JSON.parse(output.trim().split('\n').pop() ?? '') as { train: Rate; infer: Rate };
}

function commitOf(dir: string): string {
  try {
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return path.basename(dir);
  }
}
