import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStrategyOptions, createStrategy } from '../../src/controller/index.js';
import type { StrategyName } from '../../src/controller/types.js';
import { flatSpace } from './toy-spaces.js';

/** [strategy, option, largest allowed value]: every size a strategy allocates or keeps has an upper bound. */
const BOUNDS: [StrategyName, string, number][] = [
  ['reinforce', 'hiddenSize', 1024],
  ['reinforce', 'batchSize', 1000],
  ['reinforce', 'updateSteps', 100],
  ['reinforce', 'historySize', 100_000],
  ['reinforce', 'collapseWindow', 10_000],
  ['evolution', 'populationSize', 10_000],
  ['evolution', 'sampleSize', 10_000],
  ['evolution', 'batchSize', 1000],
  ['random', 'batchSize', 1000],
];

test('controller sizes are bounded: one over the bound is a ConfigError naming the option and the bound, before anything is built', () => {
  for (const [strategy, option, max] of BOUNDS) {
    assert.doesNotThrow(() => checkStrategyOptions(strategy, { [option]: max }), `${strategy} ${option} ${max}`);
    assert.throws(
      () => checkStrategyOptions(strategy, { [option]: max + 1 }),
      { name: 'ConfigError', message: `option '${option}' of strategy '${strategy}' must be at most ${max.toLocaleString('en-US')}, not ${max + 1}` },
    );
  }
  assert.throws(() => checkStrategyOptions('reinforce', { hiddenSize: 1e9 }), { name: 'ConfigError', message: /'hiddenSize' of strategy 'reinforce' must be at most 1,024, not 1000000000$/ });
  assert.throws(() => checkStrategyOptions('random', { batchSize: 0 }), { name: 'ConfigError', message: /must be a positive integer, not 0/ }, 'random checks its batch too');
});

test('a strategy is built with the bounds themselves (the bounds are sizes that work)', () => {
  const process = flatSpace(3, 2);
  const strategy = createStrategy('reinforce', { process, seed: 1, options: { hiddenSize: 1024, batchSize: 1000 } });
  assert.equal(strategy.ask(3).length, 3);
  strategy.dispose();
  assert.equal(createStrategy('evolution', { process, seed: 1, options: { populationSize: 10_000, sampleSize: 10_000 } }).ask(2).length, 2);
});
