import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStrategy, ReinforceStrategy, type Diagnostics } from '../../src/controller/index.js';
import { drive, matchReward } from './helpers.js';
import { flatSpace } from './toy-spaces.js';

const TARGET = [3, 0, 4, 1, 1, 2];
const UPDATES = 60;

/** Empirical frequency, over 1,000 fresh samples, of the target choice at each position. */
function targetFrequencies(strategy: ReturnType<typeof createStrategy>): number[] {
  const samples = strategy.ask(1000);
  return TARGET.map((t, i) => samples.filter((s) => s.decisions[i] === t).length / samples.length);
}

test(`toy reward: reinforce puts probability > 0.9 on each target decision within ${UPDATES} updates; random does not`, () => {
  const process = flatSpace(TARGET.length, 5);
  const reinforce = createStrategy('reinforce', { process, seed: 5 }) as ReinforceStrategy;
  const random = createStrategy('random', { process, seed: 5 });
  drive(reinforce, UPDATES, matchReward(TARGET));
  drive(random, UPDATES, matchReward(TARGET));
  const prefixes = TARGET.map((_, i) => TARGET.slice(0, i));
  const policyProbabilities = prefixes.map((prefix, i) => reinforce.probabilities(prefix)![TARGET[i]]);
  assert.ok(policyProbabilities.every((p) => p > 0.9), `policy: ${policyProbabilities.map((p) => p.toFixed(3))}`);
  assert.ok(targetFrequencies(reinforce).every((f) => f > 0.85), `reinforce samples: ${targetFrequencies(reinforce)}`);
  assert.ok(targetFrequencies(random).every((f) => f < 0.3), 'random search learned');
  reinforce.dispose();
});

test('the collapse warning fires when entropy is low and rewards stall, not before', () => {
  const process = flatSpace(4, 3);
  const strategy = createStrategy('reinforce', {
    process,
    seed: 2,
    options: { learningRate: 0.2, entropyWeight: 0, tanhConstant: 0, collapseEntropy: 0.05, collapseWindow: 3 },
  });
  // Reward only the all-zero sequence: the policy collapses onto it, and the best reward stops improving at 1.
  const { diagnostics } = drive(strategy, 60, (d) => (d.every((c) => c === 0) ? 1 : 0));
  const updates = diagnostics.filter((d): d is Diagnostics => d !== null);
  assert.equal(updates.length, 60);
  assert.equal(updates[0].collapseWarning, false);
  assert.ok(updates[0].entropy > 3, `initial entropy ${updates[0].entropy}`);
  const firstWarning = updates.findIndex((d) => d.collapseWarning);
  assert.ok(firstWarning > 0, 'no collapse warning');
  assert.ok(updates[firstWarning].entropy / 4 < 0.05);
  assert.equal(updates[firstWarning].entropyPerDecision.length, 4);
  strategy.dispose();
});

test('diagnostics: mean reward, baseline from the first batch, advantage spread', () => {
  const process = flatSpace(3, 4);
  const strategy = createStrategy('reinforce', { process, seed: 9, options: { batchSize: 4, baselineDecay: 0.5 } });
  const rewards = [1, 2, 3, 6];
  const asked = strategy.ask(4);
  const first = strategy.tell(asked.map((p, i) => ({ decisions: p.decisions, reward: rewards[i] })))!;
  assert.equal(first.step, 1);
  assert.equal(first.meanReward, 3);
  assert.equal(first.baseline, 3); // initialised from the first batch's mean, then averaged with it
  assert.ok(Math.abs(first.advantageStd - Math.sqrt(3.5)) < 1e-12);
  const second = strategy.tell(strategy.ask(4).map((p) => ({ decisions: p.decisions, reward: 5 })))!;
  assert.equal(second.baseline, 4);
  assert.ok(second.entropy > 0 && second.entropy <= 3 * Math.log(4) + 1e-6);
  strategy.dispose();
});

test("repeats: 'skip' counts a sequence only the first time, 'once' once per batch, 'learn' every time", () => {
  const process = flatSpace(3, 4);
  const same = [1, 2, 3];
  const updates = (repeats: string, batches: number[][][], rewards: number[][]): Diagnostics[] => {
    const strategy = createStrategy('reinforce', { process, seed: 9, options: { batchSize: 4, repeats } });
    const out = batches.map((batch, b) => strategy.tell(batch.map((decisions, i) => ({ decisions, reward: rewards[b][i] })))!);
    strategy.dispose();
    return out;
  };
  const spread = (values: number[]): number => {
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
  };
  // Batch 1: four new sequences (baseline 3). Batch 2: `same` twice (told in batch 1 too), then two new ones.
  const batches = [[same, [0, 0, 0], [1, 1, 1], [2, 2, 2]], [same, same, [3, 3, 3], [0, 1, 2]]];
  const rewards = [[1, 2, 3, 6], [5, 5, 1, 7]];
  const [learn1, learn2] = updates('learn', batches, rewards);
  const [skip1, skip2] = updates('skip', batches, rewards);
  const [, once2] = updates('once', batches, rewards);
  assert.deepEqual(skip1, learn1, 'a batch of new sequences is the same either way');
  assert.ok(Math.abs(learn2.advantageStd - spread([5, 5, 1, 7])) < 1e-9, 'learn counts all four');
  assert.ok(Math.abs(once2.advantageStd - spread([5, 1, 7])) < 1e-9, 'once counts the repeat once');
  assert.ok(Math.abs(skip2.advantageStd - spread([1, 7])) < 1e-9, 'skip counts only the new ones');
  assert.ok(Math.abs(skip2.baseline - (0.9 * 3 + 0.1 * 4)) < 1e-9, 'the baseline follows the counted rewards');
  const [, allRepeats] = updates('skip', [batches[0], [same, same, same, same]], [rewards[0], [9, 9, 9, 9]]);
  assert.equal(allRepeats.advantageStd, 0);
  assert.equal(allRepeats.baseline, 3, 'nothing new: the baseline stays');
  assert.throws(() => createStrategy('reinforce', { process, seed: 1, options: { repeats: 'never' } }), /^ConfigError: option 'repeats' of strategy 'reinforce' must be one of skip, once, learn, not 'never'$/);
});

test('reinforce on a space of one architecture (no decision left, or every one forced): updates without a gradient, entropy 0', () => {
  for (const [process, only] of [[flatSpace(0, 2), ''], [flatSpace(3, 1), '0,0,0']] as const) {
    const reinforce = createStrategy('reinforce', { process, seed: 2 }) as ReinforceStrategy;
    const { proposals, diagnostics } = drive(reinforce, 3, () => 0.5);
    assert.deepEqual(new Set(proposals.flat().map(({ decisions }) => decisions.join(','))), new Set([only]));
    for (const update of diagnostics) assert.equal(update?.entropy, 0);
    reinforce.dispose();
  }
});
