import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { inferCost, parseArch } from '../../src/space/index.js';
import type { Shape3 } from '../../src/space/types.js';
import { buildModel, loadModel, saveModel } from '../../src/trainer/index.js';
import { ArchError } from '../../src/errors.js';
import { useCpu } from './helpers.js';

const INPUT: Shape3 = [12, 12, 3];
const CLASSES = 5;

const conv = (extra: object = {}) => ({ type: 'C', num_output: 6, kernel_size: [3, 3], stride: [1, 1], activation: 'relu', ...extra });

/** One ARCH per layer kind and option, each followed by the classifier. */
const CASES: Record<string, object[]> = {
  'conv same': [conv()],
  'conv valid, stride 2, 5x3 kernel': [conv({ padding: 'valid', stride: [2, 2], kernel_size: [5, 3] })],
  'conv with batch norm': [conv({ batch_norm: true })],
  'conv tanh + dropout': [conv({ activation: 'tanh', drop_out: 20 })],
  'conv skip from input': [conv({ num_output: 3, skip_from: -1 })],
  'conv skip from earlier conv with BN': [conv(), conv({ batch_norm: true, skip_from: 0 })],
  'max pool same': [conv(), { type: 'P', pool: 'max', kernel_size: [2, 2], stride: [2, 2] }],
  'avg pool valid + dropout': [conv(), { type: 'P', pool: 'avg', kernel_size: [3, 3], stride: [2, 2], padding: 'valid', drop_out: 10 }],
  'global average pool then FC': [conv(), { type: 'P', pool: 'global_avg' }, { type: 'FC', num_output: 7, activation: 'relu' }],
  'global average pool then conv': [conv(), { type: 'P', pool: 'global_avg' }, conv({ kernel_size: [1, 1] })],
  'FC': [{ type: 'FC', num_output: 9, activation: 'elu' }],
  'FC with batch norm + dropout': [conv(), { type: 'FC', num_output: 9, activation: 'selu', batch_norm: true, drop_out: 30 }],
  'terminal only': [{ type: 'T' }],
};

describe('buildModel', () => {
  before(useCpu);

  for (const [name, layers] of Object.entries(CASES)) {
    it(`has the parameter count src/space infers: ${name}`, () => {
      const arch = parseArch(layers);
      const model = buildModel(arch, INPUT, CLASSES, { seed: 1 });
      try {
        assert.equal(model.countParams(), inferCost(arch, INPUT, CLASSES).params);
        assert.deepEqual(model.outputs[0].shape, [null, CLASSES]);
      } finally {
        model.dispose();
      }
    });
  }

  it('keeps the mean of a max pool the same in training and inference when the conv before it has dropout', () => {
    // Inverted dropout before a max pool raises the pooled mean in training only (the max of scaled,
    // partly zeroed values): a network without batch norm after it then sees other activations at test time.
    const arch = parseArch([conv({ drop_out: 30 }), { type: 'P', pool: 'max', kernel_size: [2, 2], stride: [2, 2] }]);
    const model = buildModel(arch, INPUT, CLASSES, { seed: 1 });
    try {
      const flatten = model.layers.find((layer) => layer.getClassName() === 'Flatten');
      assert.ok(flatten);
      const pooled = tf.model({ inputs: model.inputs, outputs: flatten.output as tf.SymbolicTensor });
      const images = tf.randomUniform([64, ...INPUT], 0, 1, 'float32', 7);
      const meanIn = (training: boolean) => tf.tidy(() => (pooled.apply(images, { training }) as tf.Tensor).mean().dataSync()[0]);
      const ratio = meanIn(true) / meanIn(false);
      images.dispose();
      assert.ok(Math.abs(ratio - 1) < 0.05, `training-mode mean / inference mean = ${ratio.toFixed(3)}`);
    } finally {
      model.dispose();
    }
  });

  describe('a ReLU or ELU before a max pool runs after it', () => {
    const POOL = { type: 'P', pool: 'max', kernel_size: [2, 2], stride: [2, 2], drop_out: 10 };
    const classNames = (model: tf.LayersModel) => model.layers.map((l) => l.getClassName());

    /** The same network in the ARCH's own order (conv, BN, activation, pool, dropout), from stock layers. */
    function inArchOrder(activation: string, model: tf.LayersModel): tf.LayersModel {
      const input = tf.input({ shape: INPUT });
      let x = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
      x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
      x = tf.layers.activation({ activation: activation as 'relu' }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
      const reference = tf.model({ inputs: input, outputs: tf.layers.dense({ units: CLASSES, activation: 'softmax' }).apply(x) as tf.SymbolicTensor });
      reference.setWeights(model.getWeights());
      return reference;
    }

    for (const activation of ['relu', 'elu']) {
      it(`${activation}: the same outputs and weight gradients as in the ARCH's order`, () => {
        const model = buildModel(parseArch([conv({ activation, batch_norm: true }), POOL]), INPUT, CLASSES, { seed: 2 });
        const reference = inArchOrder(activation, model);
        try {
          const names = classNames(model);
          assert.ok(names.indexOf('Activation') > names.indexOf('MaxPooling2D'), names.join(', '));
          const images = tf.randomNormal([4, ...INPUT], 0, 1, 'float32', 3);
          const lossOf = (m: tf.LayersModel) => () => (m.apply(images, { training: false }) as tf.Tensor).mul(tf.range(0, CLASSES)).sum() as tf.Scalar;
          const outputs = [model, reference].map((m) => tf.tidy(() => (m.apply(images) as tf.Tensor).arraySync()));
          assert.deepEqual(outputs[0], outputs[1]);
          const gradients = [model, reference].map((m) => tf.tidy(() => Object.values(tf.variableGrads(lossOf(m), m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)).grads).map((g) => g.arraySync())));
          assert.deepEqual(gradients[0], gradients[1]);
          images.dispose();
        } finally {
          model.dispose();
          reference.dispose();
        }
      });
    }

    it('stays before the pool where a later skip reads the conv, and for other activations', () => {
      // A stride-1 pool keeps the shape, so that conv 2 can add conv 0's output: conv 0's activation must stay put.
      const samePool = { type: 'P', pool: 'max', kernel_size: [2, 2], stride: [1, 1] };
      const skipped = buildModel(parseArch([conv(), samePool, conv({ skip_from: 0 }), POOL]), INPUT, CLASSES, { seed: 2 });
      const tanh = buildModel(parseArch([conv({ activation: 'tanh' }), POOL]), INPUT, CLASSES, { seed: 2 });
      try {
        assert.deepEqual(classNames(tanh).slice(1, 4), ['Conv2D', 'Activation', 'MaxPooling2D']);
        // Conv 2, which no skip reads, has its activation after the pool that follows it.
        assert.deepEqual(classNames(skipped).slice(1, 9), ['Conv2D', 'Activation', 'MaxPooling2D', 'Conv2D', 'Add', 'MaxPooling2D', 'Activation', 'Dropout']);
      } finally {
        skipped.dispose();
        tanh.dispose();
      }
    });
  });

  it("builds the user's seed ARCH for Fashion-MNIST with the inferred parameter count", () => {
    const arch = parseArch(fs.readFileSync(new URL('../../../experiments/archs/seed-baseline.json', import.meta.url), 'utf8'));
    const model = buildModel(arch, [28, 28, 1], 10, { seed: 3 });
    try {
      assert.equal(model.countParams(), inferCost(arch, [28, 28, 1], 10).params);
      // Four dropouts in the ARCH; the second conv's follows the pool, whose own it joins (one layer of 1 - 0.917 x 0.833).
      const rates = model.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => (l.getConfig() as { rate: number }).rate);
      assert.deepEqual(rates.map((r) => r.toFixed(4)), ['0.2361', '0.1670', '0.0830']);
    } finally {
      model.dispose();
    }
  });

  it('gives identical initial weights for the same seed and different ones for another seed', () => {
    const arch = parseArch(CASES['FC with batch norm + dropout']);
    const weights = (seed: number) => {
      const model = buildModel(arch, INPUT, CLASSES, { seed });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    const first = weights(11);
    assert.deepEqual(weights(11), first);
    assert.notDeepEqual(weights(12), first);
    // Layers of one model get different seeds, not copies of one draw.
    const again = weights(11);
    assert.notDeepEqual(again[0].slice(0, 9), again[0].slice(9, 18));
  });

  it('uses He-normal scale for ReLU layers and Glorot for the softmax layer', () => {
    const arch = parseArch([{ type: 'FC', num_output: 400, activation: 'relu' }]);
    const model = buildModel(arch, [20, 20, 1], 400, { seed: 5 });
    try {
      const [reluKernel, , softmaxKernel] = model.getWeights();
      const std = (t: tf.Tensor) => Math.sqrt(tf.tidy(() => t.square().mean().dataSync()[0]));
      // He-normal (truncated): stddev sqrt(2 / fanIn) = 0.0707; Glorot-uniform: sqrt(2 / (fanIn + fanOut)) = 0.05.
      assert.ok(Math.abs(std(reluKernel) - Math.sqrt(2 / 400)) < 0.005, `relu std ${std(reluKernel)}`);
      assert.ok(Math.abs(std(softmaxKernel) - Math.sqrt(2 / 800)) < 0.005, `softmax std ${std(softmaxKernel)}`);
    } finally {
      model.dispose();
    }
  });

  it('rejects a skip whose shape does not match with an ArchError', () => {
    const arch = parseArch([conv()]);
    (arch[0] as { skip_from: number | null }).skip_from = -1;
    const before = tf.memory().numTensors;
    assert.throws(() => buildModel(arch, INPUT, CLASSES, { seed: 1 }), ArchError);
    assert.equal(tf.memory().numTensors, before, 'the weights of the layers built before the error are freed');
  });

  it('saves model.json + weights.bin and loads them back with the same predictions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-model-'));
    const model = buildModel(parseArch(CASES['conv with batch norm']), INPUT, CLASSES, { seed: 2 });
    try {
      await saveModel(model, dir);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
      const loaded = await loadModel(dir);
      const x = tf.randomUniform([2, ...INPUT], 0, 1, 'float32', 4);
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
      tf.dispose([x, a, b]);
      loaded.dispose();
    } finally {
      model.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
