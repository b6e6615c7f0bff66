import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStrategy, STRATEGY_NAMES } from '../../src/controller/index.js';
import { drive, matchReward } from './helpers.js';
import { flatSpace, isFeasibleComplete, layerSpace } from './toy-spaces.js';

const SAMPLES = 10_000;

for (const name of STRATEGY_NAMES) {
  test(`${name}: no infeasible choice in ${SAMPLES} samples (variable-length space with masks)`, () => {
    const process = layerSpace();
    // Rewards for a tenth of each batch keep reinforce's updates cheap while they move the policy away from its start.
    const strategy = createStrategy(name, { process, seed: 7, options: name === 'reinforce' ? { batchSize: 50, hiddenSize: 8 } : undefined });
    const reward = (d: number[]) => d.filter((c) => c === 3).length + d.length / 10;
    const { proposals } = drive(strategy, SAMPLES / 500, reward, 500, 50);
    const all = proposals.flat();
    assert.equal(all.length, SAMPLES);
    const bad = all.filter((p) => !isFeasibleComplete(process, p.decisions));
    assert.deepEqual(bad, []);
    // The masks matter: choices that are feasible elsewhere do occur (so the check is not vacuous).
    assert.ok(all.some((p) => p.decisions.includes(3)), 'width 64 never sampled at all');
    strategy.dispose();
  });

  test(`${name}: no masked choice (repeat of the previous one) in ${SAMPLES} samples`, () => {
    const process = flatSpace(5, 3, true);
    const strategy = createStrategy(name, { process, seed: 1, options: name === 'reinforce' ? { batchSize: 50, hiddenSize: 8 } : undefined });
    const { proposals } = drive(strategy, SAMPLES / 500, matchReward([0, 2, 0, 1, 0]), 500, 50);
    for (const { decisions } of proposals.flat()) {
      assert.equal(decisions.length, 5);
      for (let i = 1; i < decisions.length; i++) assert.notEqual(decisions[i], decisions[i - 1]);
    }
    strategy.dispose();
  });

  test(`${name}: the same seed gives the same samples, another seed others`, () => {
    const process = layerSpace();
    const run = (seed: number) => {
      const strategy = createStrategy(name, { process, seed, options: { batchSize: 5 } });
      const { proposals } = drive(strategy, 8, (d) => d.length);
      strategy.dispose();
      return proposals;
    };
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3), run(4));
  });
}

test('unknown strategy and bad options are ConfigErrors naming the valid choices', () => {
  const process = flatSpace(3, 2);
  assert.throws(() => createStrategy('bogus' as never, { process, seed: 0 }), { name: 'ConfigError', message: /reinforce, random, evolution/ });
  assert.throws(() => createStrategy('reinforce', { process, seed: 0, options: { learningrate: 1 } }), {
    name: 'ConfigError',
    message: /unknown option 'learningrate'.*learningRate/,
  });
  assert.throws(() => createStrategy('reinforce', { process, seed: 0, options: { batchSize: 0 } }), { name: 'ConfigError' });
  assert.throws(() => createStrategy('reinforce', { process, seed: 0, options: { advantage: 'x' } }), { name: 'ConfigError', message: /rank/ });
  assert.throws(() => createStrategy('evolution', { process, seed: 0, options: { sampleSize: '3' } }), { name: 'ConfigError' });
});
