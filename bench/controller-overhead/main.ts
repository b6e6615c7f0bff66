/**
 * Controller overhead on the `seed-cnn` space: sampling plus one update for a batch of 10
 * architectures, per architecture, for each strategy and tfjs backend.
 *
 *   node dist/bench/controller-overhead/main.js [--rounds 30] [--batch 10]
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createStrategy, type StrategyName } from '../../src/controller/index.js';
import { bindSpace, loadSpace } from '../../src/space/index.js';

const argv = yargs(hideBin(process.argv))
  .option('rounds', { type: 'number', default: 30, describe: 'timed ask+tell rounds (after 3 warm-up rounds)' })
  .option('batch', { type: 'number', default: 10 })
  .option('space', { type: 'string', default: 'seed-cnn' })
  .strict()
  .help()
  .parseSync();

const processOf = () => bindSpace(loadSpace(argv.space), { input: [32, 32, 3], classes: 100 });

function measure(name: StrategyName): { perArch: number; decisions: number } {
  const space = processOf();
  const strategy = createStrategy(name, { process: space, seed: 1, options: { batchSize: argv.batch } });
  let decisions = 0;
  const round = () => {
    const asked = strategy.ask(argv.batch);
    decisions += asked.reduce((a, p) => a + p.decisions.length, 0);
    strategy.tell(asked.map((p, i) => ({ decisions: p.decisions, reward: (i * 7919) % 100 })));
  };
  for (let i = 0; i < 3; i++) round();
  decisions = 0;
  const started = performance.now();
  for (let i = 0; i < argv.rounds; i++) round();
  const elapsed = performance.now() - started;
  strategy.dispose();
  const archs = argv.rounds * argv.batch;
  return { perArch: elapsed / archs, decisions: decisions / archs };
}

const results: string[] = [];
for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend);
  for (const name of ['reinforce', 'evolution', 'random'] as StrategyName[]) {
    const { perArch, decisions } = measure(name);
    results.push(`${backend.padEnd(5)} ${name.padEnd(10)} ${perArch.toFixed(2).padStart(8)} ms/arch  (${decisions.toFixed(1)} decisions/arch)`);
  }
}
console.log(`controller overhead, space ${argv.space}, batch ${argv.batch}, ${argv.rounds} rounds: sampling + one update per batch`);
console.log(results.join('\n'));
