import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { parseArch } from '../../src/space/index.js';
import type { Arch, Shape3 } from '../../src/space/types.js';
import { buildModel } from '../../src/trainer/index.js';
import { pathWeights } from '../../src/evaluation/shared/export.js';
import { SharedSession } from '../../src/evaluation/shared/session.js';
import { PLAIN_SLICES, type SharingRule } from '../../src/evaluation/shared/sharing-rules.js';
import { computeNormalisation } from '../../src/data/index.js';
import { learnableImages, useCpu } from '../trainer/helpers.js';

const INPUT: Shape3 = [8, 8, 2];
const CLASSES = 5;
const MAX_WIDTH = 9;

const conv = (extra: object = {}) => ({ type: 'C', num_output: 6, kernel_size: [3, 3], stride: [1, 1], activation: 'relu', ...extra });

/** Paths with every layer kind the supernet shares weights for. */
const PATHS: Record<string, object[]> = {
  'conv, batch norm, skip, global pool, FC': [conv({ batch_norm: true }), conv({ batch_norm: true, skip_from: 0, kernel_size: [5, 5] }), { type: 'P', pool: 'global_avg' }, { type: 'FC', num_output: 7, activation: 'elu', batch_norm: true }],
  'narrow conv, stride 2, max pool, FC on a map': [conv({ num_output: 4, stride: [2, 2], activation: 'elu' }), { type: 'P', pool: 'max', kernel_size: [2, 2], stride: [2, 2] }, { type: 'FC', num_output: 9, activation: 'relu' }],
  'wide conv, valid padding, avg pool, dropout': [conv({ num_output: 9, padding: 'valid', drop_out: 20 }), { type: 'P', pool: 'avg', kernel_size: [2, 2], stride: [2, 2] }, conv({ num_output: 3, kernel_size: [1, 1], batch_norm: true })],
};

const SEPARATE_AND_SCALED: SharingRule = { scaleSlices: true, separate: ['batch_norm', 'stride'] };

function session(seed = 3, sharing: SharingRule = PLAIN_SLICES): SharedSession {
  const set = learnableImages(256, INPUT, CLASSES, seed);
  const all = Int32Array.from({ length: 256 }, (_, i) => i);
  const train = all.subarray(0, 192);
  const data = { set, train, val: all.subarray(192), norm: computeNormalisation(set, train) };
  return new SharedSession({ input: INPUT, classes: CLASSES, maxWidth: MAX_WIDTH }, data, { seed, batchSize: 16, learningRate: 0.01, calibrationImages: 64, scoreImages: 64, sharing });
}

describe('the shared-weight network', () => {
  before(useCpu);

  for (const [name, layers] of Object.entries(PATHS)) {
   for (const [ruleName, rule] of Object.entries({ 'plain slices': PLAIN_SLICES, 'scaled slices, batch norm and stride apart': SEPARATE_AND_SCALED })) {
    it(`scores a path as its stand-alone model with the same weights does (${ruleName}): ${name}`, () => {
      const arch = parseArch(layers);
      const shared = session(3, rule);
      shared.train(arch, 3); // weights and scales away from their initial values
      const statistics = shared.calibrate(arch, 11);
      const model = buildModel(arch, INPUT, CLASSES, { seed: 1 });
      const weights = pathWeights(shared.supernet, arch, statistics);
      model.setWeights(weights);
      const x = tf.randomNormal([10, ...INPUT], 0, 1, 'float32', 5) as tf.Tensor4D;
      const expected = (model.predict(x) as tf.Tensor).arraySync() as number[][];
      const actual = tf.softmax(shared.supernet.forward(arch, x, { mode: 'eval', statistics })).arraySync() as number[][];
      expected.flat().forEach((p, i) => assert.ok(Math.abs(p - actual.flat()[i]!) < 1e-5, `probability ${i}: ${actual.flat()[i]} vs ${p}`));
      tf.dispose([x, ...weights]);
      model.dispose();
      shared.dispose();
    });
   }
  }

  it('keeps the weights of a separated choice apart: training a batch-norm path leaves the convolution of a plain path unchanged', () => {
    const withNorm = parseArch([conv({ batch_norm: true }), { type: 'P', pool: 'global_avg' }]);
    const plain = parseArch([conv(), { type: 'P', pool: 'global_avg' }]);
    for (const [rule, changes] of [[SEPARATE_AND_SCALED, false], [PLAIN_SLICES, true]] as const) {
      const shared = session(3, rule);
      shared.train(plain, 2);
      const kernelName = [...shared.supernet.pathOf(plain).keys()].find((name) => /^L0\..*kernel$/.test(name))!;
      const before = Array.from(shared.supernet.variable(kernelName).dataSync());
      shared.train(withNorm, 5);
      const after = Array.from(shared.supernet.variable(kernelName).dataSync());
      assert.equal(before.some((value, i) => value !== after[i]), changes, `${JSON.stringify(rule)}: ${kernelName}`);
      shared.dispose();
    }
  });

  it('with scaled slices, a narrow path and a wide one start at the same output scale', () => {
    const spread = (rule: SharingRule, width: number) => {
      let sum = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const shared = session(seed, rule);
        const arch = parseArch([conv({ num_output: width }), conv({ num_output: 3, activation: 'linear' }), { type: 'P', pool: 'global_avg' }]);
        shared.supernet.pathOf(arch);
        const x = tf.randomNormal([64, ...INPUT], 0, 1, 'float32', seed) as tf.Tensor4D;
        const logits = shared.supernet.forward(arch, x, { mode: 'eval', statistics: new Map() });
        sum += tf.moments(logits).variance.dataSync()[0]!;
        tf.dispose([x, logits]);
        shared.dispose();
      }
      return sum;
    };
    const scaled = spread(SEPARATE_AND_SCALED, 2) / spread(SEPARATE_AND_SCALED, 9);
    const plain = spread(PLAIN_SLICES, 2) / spread(PLAIN_SLICES, 9);
    assert.ok(scaled > 0.4 && scaled < 2.5, `scaled: narrow/wide logit variance ${scaled}`);
    assert.ok(plain < 0.4, `plain: narrow/wide logit variance ${plain}`);
  });

  it('keeps the number of tensors flat over 200 steps of varying paths', () => {
    const shared = session();
    const paths = Object.values(PATHS).map((layers) => parseArch(layers) as Arch);
    for (const arch of paths) shared.train(arch, 1); // every variable and moment made
    shared.score(paths[0]!, 1);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 200; step++) {
      shared.train(paths[step % paths.length]!, 1);
      if (step % 50 === 0) shared.score(paths[(step / 50) % paths.length]!, step);
    }
    assert.equal(tf.memory().numTensors, before);
    shared.dispose();
  });

  it('learns: a path trained on the shared weights scores above chance', () => {
    const shared = session();
    const arch = parseArch(Object.values(PATHS)[0]!);
    const before = shared.score(arch, 1).valAcc;
    shared.train(arch, 30);
    const after = shared.score(arch, 1).valAcc;
    assert.ok(after > 0.6 && after > before, `validation accuracy ${before} -> ${after}`);
    shared.dispose();
  });

  it('scores a path after steps along it alone and then puts the shared weights, moments and step count back', () => {
    const [first, second] = Object.values(PATHS).map((layers) => parseArch(layers) as Arch);
    const shared = session();
    shared.train(first!, 3);
    const plain = shared.score(second!, 4); // makes the second path's weights
    const before = shared.save();
    const tuned = shared.scoreTuned(second!, 4, 8);
    assert.notDeepEqual(tuned, plain);
    assert.deepEqual(shared.save(), before);
    assert.deepEqual(shared.scoreTuned(second!, 4, 0), plain);
    assert.deepEqual(shared.scoreTuned(second!, 4, 8), tuned);
    const decayed = shared.scoreTuned(second!, 4, 8, 'cosine');
    assert.notDeepEqual(decayed, tuned, 'a cosine-decayed tuning takes smaller steps');
    assert.deepEqual(shared.save(), before);
    assert.deepEqual(shared.scoreTuned(second!, 4, 8), tuned, 'and leaves the rate as it was');
    shared.dispose();
  });

  it('restores a checkpoint in a session that has since made new weights as a fresh session restores it', () => {
    const [first, second] = Object.values(PATHS).map((layers) => parseArch(layers) as Arch);
    const used = session();
    used.train(first!, 4);
    const bytes = used.save();
    used.train(second!, 4); // weights the checkpoint does not have
    used.restore(bytes);
    const fresh = session();
    fresh.restore(bytes);
    assert.deepEqual(used.score(second!, 2), fresh.score(second!, 2));
    used.dispose();
    fresh.dispose();
  });

  it('resumes from a checkpoint exactly where an uninterrupted run would be, and leaves no tensor behind', () => {
    const tensorsBefore = tf.memory().numTensors;
    const paths = Object.values(PATHS).map((layers) => parseArch(layers) as Arch);
    const straight = session();
    paths.forEach((arch) => straight.train(arch, 4));
    const interrupted = session();
    interrupted.train(paths[0]!, 4);
    const bytes = interrupted.save();
    interrupted.dispose();
    const resumed = session();
    resumed.restore(bytes);
    paths.slice(1).forEach((arch) => resumed.train(arch, 4));
    assert.equal(resumed.stepsDone, straight.stepsDone);
    for (const arch of paths) assert.deepEqual(resumed.score(arch, 2), straight.score(arch, 2));
    straight.dispose();
    resumed.dispose();
    assert.equal(tf.memory().numTensors, tensorsBefore);
  });
});
