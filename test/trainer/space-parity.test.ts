import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { bindSpace, inferCost, listShippedSpaces, loadSpace, sampleDecisions } from '../../src/space/index.js';
import type { ProblemSpec } from '../../src/space/types.js';
import { buildModel } from '../../src/trainer/index.js';
import { useCpu } from './helpers.js';

const SAMPLES = 500;
const PROBLEMS: ProblemSpec[] = [
  { input: [28, 28, 1], classes: 10 },
  { input: [32, 32, 3], classes: 100 },
];

describe('parameter counts of sampled ARCHs', () => {
  before(useCpu);

  const layerSpaces = listShippedSpaces().filter((name) => loadSpace(name).kind === 'layers');

  it('covers every shipped layer space', () => {
    assert.ok(layerSpaces.length >= 2, layerSpaces.join());
  });

  for (const name of layerSpaces) {
    it(`equal src/space's inference for ${SAMPLES} ARCHs sampled from '${name}'`, () => {
      const random = seedrandom(`parity:${name}`);
      const processes = PROBLEMS.map((problem) => bindSpace(loadSpace(name), problem));
      for (let i = 0; i < SAMPLES; i++) {
        const problem = PROBLEMS[i % PROBLEMS.length];
        const process = processes[i % PROBLEMS.length];
        const candidate = process.decode(sampleDecisions(process, random));
        assert.equal(candidate.kind, 'arch');
        if (candidate.kind !== 'arch') return;
        // Zero kernels: the same layers and weights as a trained build, without minutes of random draws.
        const model = buildModel(candidate.arch, problem.input, problem.classes, { seed: i + 1, initialWeights: 'zeros' });
        try {
          assert.equal(model.countParams(), inferCost(candidate.arch, problem.input, problem.classes).params, JSON.stringify(candidate.arch));
        } finally {
          model.dispose();
        }
      }
      assert.equal(tf.memory().numTensors, 0);
    });
  }
});
