import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageSet } from '../../src/data/types.js';
import { parseArch } from '../../src/space/index.js';
import type { Shape3 } from '../../src/space/types.js';
import { buildModel, evaluate, metricsFromConfusion } from '../../src/trainer/index.js';
import { allIndices, learnableImages, unitNorm, useCpu } from './helpers.js';

describe('metricsFromConfusion', () => {
  it('computes accuracy and per-class precision, recall, F1 and support (rows true, columns predicted)', () => {
    const m = metricsFromConfusion([
      [5, 1, 0],
      [2, 3, 0],
      [0, 0, 0],
    ]);
    assert.equal(m.accuracy, 8 / 11);
    const [a, b, c] = m.perClass;
    assert.equal(a.precision, 5 / 7);
    assert.equal(a.recall, 5 / 6);
    assert.ok(Math.abs(a.f1 - (2 * (5 / 7) * (5 / 6)) / (5 / 7 + 5 / 6)) < 1e-12);
    assert.equal(a.support, 6);
    assert.equal(b.precision, 3 / 4);
    assert.equal(b.recall, 3 / 5);
    assert.equal(b.support, 5);
    // A class never seen nor predicted scores 0, not NaN.
    assert.deepEqual(c, { precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('gives accuracy 0 for an empty matrix', () => {
    assert.equal(metricsFromConfusion([[0, 0], [0, 0]]).accuracy, 0);
  });
});

describe('evaluate with mirror', () => {
  before(useCpu);

  const shape: Shape3 = [6, 6, 1];
  const set = learnableImages(40, shape, 3);
  const mirrored = mirrorImages(set);
  const subset = (images: typeof set) => ({ set: images, indices: allIndices(images.count) });

  it('scores an image and its mirror alike (the average of both predictions), unlike a plain evaluation', () => {
    const model = buildModel(parseArch([{ type: 'FC', num_output: 8, activation: 'relu' }]), shape, 3, { seed: 4 });
    try {
      const norm = unitNorm(1);
      const withMirror = evaluate(model, subset(set), norm, 3, { mirror: true });
      const ofMirrors = evaluate(model, subset(mirrored), norm, 3, { mirror: true });
      assert.deepEqual(ofMirrors.confusion, withMirror.confusion);
      assert.ok(Math.abs(ofMirrors.loss - withMirror.loss) < 1e-5);
      const plain = evaluate(model, subset(set), norm, 3);
      const plainOfMirrors = evaluate(model, subset(mirrored), norm, 3);
      assert.ok(Math.abs(plain.loss - plainOfMirrors.loss) > 1e-4, 'a dense net on random weights is not mirror-invariant');
    } finally {
      model.dispose();
    }
  });
});

function mirrorImages(set: ImageSet): ImageSet {
  const [h, w, c] = set.shape;
  const images = new Uint8Array(set.images.length);
  for (let n = 0; n < set.count; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) images[((n * h + y) * w + (w - 1 - x)) * c + k] = set.images[((n * h + y) * w + x) * c + k];
      }
    }
  }
  return { ...set, images };
}
