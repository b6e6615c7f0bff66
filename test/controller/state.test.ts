import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStrategy, restoreStrategy, STRATEGY_NAMES, type StrategyName } from '../../src/controller/index.js';
import { drive } from './helpers.js';
import { layerSpace } from './toy-spaces.js';

const reward = (d: number[]) => d.reduce((a, b, i) => a + ((b * (i + 1)) % 5), 0) / 10;

const CASES: { name: StrategyName; options: Record<string, unknown> }[] = [
  ...STRATEGY_NAMES.map((name) => ({ name, options: { batchSize: 4 } })),
  { name: 'reinforce', options: { batchSize: 4, repeats: 'skip' } },
];

for (const { name, options } of CASES) {
  for (const midBatch of [false, true]) {
    test(`${name}${options.repeats ? ` (repeats ${options.repeats})` : ''}: restore continues exactly like an uninterrupted run${midBatch ? ' (saved between tells of one batch)' : ''}`, () => {
      const process = layerSpace();
      // Run A: k rounds, save, m more rounds.
      const a = createStrategy(name, { process, seed: 11, options });
      const tellSize = midBatch ? 3 : 4;
      drive(a, 6, reward, tellSize);
      const blob = a.save();
      const continuedA = drive(a, 5, reward, tellSize);
      const finalA = a.save();
      // Run B: restored from the blob, the same m rounds.
      const b = restoreStrategy(name, { process, seed: 'ignored', options }, blob);
      const continuedB = drive(b, 5, reward, tellSize);
      assert.deepEqual(continuedB.proposals, continuedA.proposals);
      assert.deepEqual(continuedB.diagnostics, continuedA.diagnostics);
      assert.deepEqual(b.save(), finalA, 'states (weights, moments, baseline, RNG, population) differ');
      if (name === 'reinforce') assert.ok(continuedA.diagnostics.some((d) => d !== null), 'no update happened after the save');
      a.dispose();
      b.dispose();
    });
  }
}

test('a blob restores only into its own strategy', () => {
  const process = layerSpace();
  const blob = createStrategy('random', { process, seed: 1 }).save();
  assert.throws(() => restoreStrategy('evolution' as StrategyName, { process, seed: 1 }, blob), { name: 'ConfigError', message: /random/ });
  assert.throws(() => restoreStrategy('random', { process, seed: 1 }, new Uint8Array([1, 2, 3])), { name: 'StoreError' });
  const reinforce = createStrategy('reinforce', { process, seed: 1, options: { hiddenSize: 8 } });
  assert.throws(() => restoreStrategy('reinforce', { process, seed: 1, options: { hiddenSize: 16 } }, reinforce.save()), {
    name: 'ConfigError',
    message: /hiddenSize/,
  });
  reinforce.dispose();
});
