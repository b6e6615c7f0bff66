import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSplit, minValidationSize, trainingSetSize, validationSize } from '../../src/data/index.js';

function labels(count: number, classes: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => (i * 7 + (i % 3)) % classes);
}

test('validationSize is the size of the validation split makeSplit makes, for every way of limiting it', () => {
  const set = labels(1000, 4);
  const cases = [
    { valFraction: 0.1 },
    { valFraction: 0.25 },
    { valFraction: 0.1, trainLimit: 200 },
    { valFraction: 0.1, trainLimit: 5 },
    { valFraction: 0.1, trainLimit: 5000 },
    { valFraction: 0.1, trainLimit: 200, valLimit: 30 },
    { valFraction: 0.1, valLimit: 500 },
    { valFraction: 0.02, trainLimit: 100, valLimit: 7 },
  ];
  for (const options of cases) {
    const split = makeSplit(set, 4, { ...options, seed: 3 });
    assert.equal(validationSize(set.length, options), split.val.length, JSON.stringify(options));
  }
});

test('the fewest validation examples that rank: 5 per class and 20 in all; the published training sets', () => {
  assert.equal(minValidationSize(2), 20);
  assert.equal(minValidationSize(4), 20);
  assert.equal(minValidationSize(10), 50);
  assert.equal(minValidationSize(100), 500);
  assert.equal(trainingSetSize('fashion-mnist'), 60_000);
  assert.equal(trainingSetSize('synthetic'), 600);
  assert.equal(trainingSetSize('cifar100'), 50_000);
});
