/**
 * NAS-Bench-201 tabular benchmark: runs each strategy many seeded times on a table and reports the
 * mean ± std of the score (held-out column) of the architecture with the best reward found.
 *
 *   node dist/bench/nb201/main.js --table PATH --runs 200 --budget 100 [--strategy NAME] [--out runs.jsonl]
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createStrategy, STRATEGY_NAMES, type StrategyName } from '../../src/controller/index.js';
import { createTableEvaluator } from '../../src/evaluation/index.js';
import { readTable, tableScore, type BenchmarkTable } from '../../src/tabular/index.js';
import { bindSpace, loadSpace } from '../../src/space/index.js';
import seedrandom from 'seedrandom';
import { runSearch201, withNoise } from './search-run.js';

interface RunRecord {
  strategy: StrategyName;
  run: number;
  arch: string;
  reward: number;
  score: number;
  distinct: number;
  samples: number;
  seconds: number;
}

interface Task {
  strategy: StrategyName;
  run: number;
}

const PUBLISHED: Record<string, string> = { random: '93.70 ± 0.36', reinforce: '93.85 ± 0.37', evolution: '93.92 ± 0.30' };

const argv = yargs(hideBin(process.argv))
  .usage('$0 --table PATH [--runs 200] [--budget 100] [--strategy NAME] [--out runs.jsonl]')
  .option('table', { type: 'string', demandOption: true, describe: 'CSV with columns index,arch,<reward>,<score>' })
  .option('runs', { type: 'number', default: 200, describe: 'seeded runs per strategy (seed = run index)' })
  .option('budget', { type: 'number', default: 100, describe: 'distinct architectures evaluated per run' })
  .option('max-samples', { type: 'number', default: 1000, describe: 'samples per run, repeats included' })
  .option('strategy', { type: 'string', choices: STRATEGY_NAMES as string[], describe: 'run only this strategy' })
  .option('options', { type: 'string', describe: 'JSON strategy options, e.g. {"learningRate":0.05} (with --strategy)' })
  .option('reward-column', { type: 'string', default: 'cifar10_valid_acc_12ep' })
  .option('score-column', { type: 'string', default: 'cifar10_test_acc_200ep' })
  .option('reward-noise', { type: 'number', default: 0, describe: 'std of Gaussian noise added once to each arch\'s reward in a run (a noisy proxy; repeats get the same noisy value)' })
  .option('out', { type: 'string', describe: 'write one JSON line per run' })
  .option('jobs', { type: 'number', default: 2, describe: 'parallel worker processes' })
  .option('backend', { type: 'string', choices: ['wasm', 'cpu'], default: 'wasm', describe: 'tfjs backend for reinforce' })
  .option('worker', { type: 'boolean', hidden: true })
  .strict()
  .help()
  .parseSync();

const strategyOptions = argv.options ? (JSON.parse(argv.options) as Record<string, unknown>) : undefined;

if (argv.worker) {
  await runWorker();
} else {
  await runParent();
}

async function runParent(): Promise<void> {
  readTable(argv.table, columns()); // fail fast on a bad table, before forking
  const strategies = argv.strategy ? [argv.strategy as StrategyName] : (['random', 'evolution', 'reinforce'] as StrategyName[]);
  const tasks: Task[] = strategies.flatMap((strategy) => Array.from({ length: argv.runs }, (_, run) => ({ strategy, run })));
  const started = performance.now();
  const records = await runTasks(tasks, Math.max(1, argv.jobs));
  const wall = (performance.now() - started) / 1000;
  records.sort((a, b) => a.strategy.localeCompare(b.strategy) || a.run - b.run);
  if (argv.out) fs.writeFileSync(argv.out, records.map(({ strategy, run, arch, reward, score }) => JSON.stringify({ strategy, run, arch, reward, score })).join('\n') + '\n');
  console.log(`NAS-Bench-201 ${argv.table}: ${argv.runs} runs, budget ${argv.budget} distinct archs, reward ${argv['reward-column']}, score ${argv['score-column']}`);
  for (const strategy of strategies) {
    const mine = records.filter((r) => r.strategy === strategy);
    const score = meanStd(mine.map((r) => r.score));
    const reward = meanStd(mine.map((r) => r.reward));
    const samples = meanStd(mine.map((r) => r.samples)).mean;
    const seconds = mine.reduce((a, r) => a + r.seconds, 0);
    console.log(
      `${strategy.padEnd(10)} score ${score.mean.toFixed(2)} ± ${score.std.toFixed(2)}   reward ${reward.mean.toFixed(2)} ± ${reward.std.toFixed(2)}` +
        `   samples/run ${samples.toFixed(0)}   cpu ${seconds.toFixed(1)} s   (published ${PUBLISHED[strategy] ?? '-'})`,
    );
  }
  console.log(`wall ${wall.toFixed(1)} s with ${argv.jobs} jobs`);
}

function runTasks(tasks: Task[], jobs: number): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const script = fileURLToPath(import.meta.url);
  const shares = Array.from({ length: jobs }, (_, j) => tasks.filter((_, i) => i % jobs === j)).filter((s) => s.length);
  return Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const child = fork(script, [...process.argv.slice(2), '--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          child.on('message', (message) => records.push(message as RunRecord));
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with code ${code}`))));
          child.send(share);
        }),
    ),
  ).then(() => records);
}

async function runWorker(): Promise<void> {
  await tf.setBackend(argv.backend);
  const table = readTable(argv.table, columns());
  const tasks = await new Promise<Task[]>((resolve) => process.once('message', (m) => resolve(m as Task[])));
  for (const task of tasks) process.send!(await runOne(table, task));
  process.disconnect();
}

async function runOne(table: BenchmarkTable, { strategy, run }: Task): Promise<RunRecord> {
  const started = performance.now();
  const space = bindSpace(loadSpace('nb201'), { input: [32, 32, 3], classes: 10 });
  const makeStrategy = () => createStrategy(strategy, { process: space, seed: run, options: strategyOptions });
  const noise = noisyReward(run, argv['reward-noise']);
  const evaluator = noise ? withNoise(createTableEvaluator(table), noise) : createTableEvaluator(table);
  const result = await runSearch201(makeStrategy, space, evaluator, argv.budget, argv['max-samples']);
  return { strategy, run, ...result, score: tableScore(table, result.arch), seconds: (performance.now() - started) / 1000 };
}

/** The same Gaussian noise for an arch every time it is evaluated in a run, as a stored proxy reward. */
function noisyReward(run: number, std: number): ((arch: string, reward: number) => number) | undefined {
  if (!(std > 0)) return undefined;
  return (arch, reward) => {
    const random = seedrandom(`${run}:${arch}`);
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return reward + std * gaussian;
  };
}

function columns() {
  return { rewardColumn: argv['reward-column'], scoreColumn: argv['score-column'] };
}

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}
