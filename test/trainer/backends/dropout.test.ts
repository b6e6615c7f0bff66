/**
 * Dropout as one kernel (kernels/dropout.ts): the SIMD loop on wasm and the cpu kernel give the same bits,
 * forward and backward; the mask keeps 1 - rate of the elements, independently of position and seed, and is
 * fixed by the seed; the layer (model/dropout-layer.ts) trains through it, passes inputs through in inference,
 * and saves as a stock Dropout layer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { seededDropout } from '../../../src/trainer/backends/index.js';
import { dropoutMask, kept } from '../../../src/trainer/backends/kernels/dropout-mask.js';
import { dropout } from '../../../src/trainer/model/dropout-layer.js';
import { randomInput, runOn, type Input } from './helpers.js';

function dropoutAndGradient(rate: number, seed: number) {
  return (x: tf.Tensor, r: tf.Tensor): tf.Tensor[] => [
    seededDropout(x, rate, seed),
    tf.grad((a: tf.Tensor) => tf.sum(tf.mul(seededDropout(a, rate, seed), r)))(x),
  ];
}

async function sameOnBothBackends(inputs: Input[], rate: number, seed: number): Promise<Float32Array[]> {
  const cpu = await runOn('cpu', inputs, dropoutAndGradient(rate, seed));
  const wasm = await runOn('wasm', inputs, dropoutAndGradient(rate, seed));
  cpu.forEach((expected, i) => assert.deepEqual(Array.from(wasm[i]), Array.from(expected), i === 0 ? 'output' : 'gradient'));
  return cpu;
}

describe('dropout kernel', () => {
  for (const shape of [[64, 14, 14, 128], [8, 7, 7, 32], [64, 256], [3, 5, 7], [13]]) {
    it(`gives the same bits on wasm and cpu, forward and backward, on ${shape.join('x')}`, async () => {
      const [y, dx] = await sameOnBothBackends([randomInput(shape, 3), randomInput(shape, 4)], 0.2, 77);
      const x = randomInput(shape, 3).values;
      const r = randomInput(shape, 4).values;
      const scale = Math.fround(1 / Math.fround(0.8));
      for (let i = 0; i < y.length; i++) {
        const multiplier = y[i] === 0 ? 0 : scale;
        assert.equal(y[i], Math.fround(x[i] * multiplier), `output ${i}`);
        assert.equal(dx[i], Math.fround(r[i] * multiplier), `gradient ${i}: upstream times the same mask`);
      }
    });
  }

  it('drops NaN, infinities and zeros as x * 0 does, in the loop and in the tail', async () => {
    const special = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -2, 3e38];
    const values = Float32Array.from({ length: 4003 }, (_, i) => special[i % special.length]);
    const [y] = await sameOnBothBackends([{ shape: [4003], values }, { shape: [4003], values }], 0.5, 5);
    const mask = dropoutMask(0.5, 5);
    for (let i = 0; i < values.length; i++) {
      const expected = kept(mask, i) ? Math.fround(values[i] * mask.scale) : values[i] * 0;
      assert.ok(Object.is(y[i], expected), `element ${i}: ${y[i]} for ${values[i]}`);
    }
  });

  it('keeps 1 - rate of the elements, with no pattern by position, and the same ones for the same seed only', () => {
    const n = 1 << 20;
    for (const rate of [0.1, 0.3, 0.5]) {
      const a = dropoutMask(rate, 1234);
      const b = dropoutMask(rate, 1235);
      let keptA = 0, bothA = 0, agree = 0, neighbours = 0;
      for (let i = 0; i < n; i++) {
        const ka = kept(a, i);
        keptA += Number(ka);
        bothA += Number(ka && kept(a, i + 1));
        agree += Number(ka === kept(b, i));
      }
      neighbours = bothA / n;
      const keep = 1 - rate;
      const spread = 4 * Math.sqrt((keep * rate) / n);
      assert.ok(Math.abs(keptA / n - keep) < spread, `rate ${rate}: kept ${keptA / n}`);
      assert.ok(Math.abs(neighbours - keep * keep) < 2 * spread, `rate ${rate}: neighbours both kept ${neighbours}, independent ${keep * keep}`);
      const expectedAgreement = keep * keep + rate * rate;
      assert.ok(Math.abs(agree / n - expectedAgreement) < 2 * spread, `rate ${rate}: seeds 1234 and 1235 agree on ${agree / n}`);
    }
  });

  it('is fixed by its seed and differs between seeds', async () => {
    const x = randomInput([4, 28, 28, 8], 9);
    const first = await runOn('wasm', [x], (t) => [seededDropout(t, 0.4, 1), seededDropout(t, 0.4, 1), seededDropout(t, 0.4, 2)]);
    assert.deepEqual(Array.from(first[1]), Array.from(first[0]));
    assert.notDeepEqual(Array.from(first[2]), Array.from(first[0]));
  });
});

describe('the Dropout layer', () => {
  it('trains through the kernel with its seed, passes inputs through in inference, and saves as a stock Dropout', async () => {
    const x = randomInput([16, 6, 6, 4], 11);
    const layer = dropout({ rate: 0.25 });
    (layer as unknown as { seed: number }).seed = 4242;
    const [training, inference, direct] = await runOn('wasm', [x], (t) => [
      layer.apply(t, { training: true }) as tf.Tensor,
      layer.apply(t, { training: false }) as tf.Tensor,
      seededDropout(t, 0.25, 4242),
    ]);
    assert.deepEqual(Array.from(training), Array.from(direct));
    assert.deepEqual(Array.from(inference), Array.from(x.values));
    assert.equal(layer.getClassName(), 'Dropout');
    // Unseeded, as the stock layer: a new mask at every call, still through the kernel (its scale, no JS stream).
    const unseeded = dropout({ rate: 0.25 });
    const [once, again] = await runOn('wasm', [x], (t) => [unseeded.apply(t, { training: true }) as tf.Tensor, unseeded.apply(t, { training: true }) as tf.Tensor]);
    assert.notDeepEqual(Array.from(once), Array.from(again));
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [6, 6, 4] }), dropout({ rate: 0.25 })] });
    const loaded = await tf.models.modelFromJSON({ modelTopology: model.toJSON(undefined, false) as tf.io.ModelArtifacts["modelTopology"] } as Parameters<typeof tf.models.modelFromJSON>[0]);
    assert.equal(loaded.layers[loaded.layers.length - 1].getClassName(), 'Dropout');
  });
});
