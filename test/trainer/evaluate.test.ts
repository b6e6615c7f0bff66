import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metricsFromConfusion } from '../../src/trainer/index.js';

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
