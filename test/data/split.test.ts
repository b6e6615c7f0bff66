import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batches, computeNormalisation, makeSplit, type ImageSet } from '../../src/data/index.js';

/** Unbalanced labels: class c has 40 + 17c examples, interleaved. */
function unbalancedLabels(numClasses = 5): Uint8Array {
  const labels: number[] = [];
  for (let c = 0; c < numClasses; c++) for (let k = 0; k < 40 + 17 * c; k++) labels.push(c);
  return Uint8Array.from(labels.sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13) || a - b));
}

function classCounts(labels: Uint8Array, indices: Int32Array, numClasses: number): number[] {
  const counts = new Array(numClasses).fill(0);
  for (const index of indices) counts[labels[index]]++;
  return counts;
}

function assertStratified(labels: Uint8Array, indices: Int32Array, numClasses: number, total: number): void {
  const sizes = classCounts(labels, Int32Array.from(labels.keys()), numClasses);
  const counts = classCounts(labels, indices, numClasses);
  counts.forEach((count, c) => {
    const share = (indices.length * sizes[c]) / total;
    assert.ok(Math.abs(count - share) < 1, `class ${c}: ${count} examples, share ${share.toFixed(2)}`);
  });
}

test('makeSplit: stratified (every class within one example of its share), disjoint, covering, default 10 %', () => {
  const labels = unbalancedLabels();
  const split = makeSplit(labels, 5, { valFraction: 0.1, seed: 'a' });
  assert.equal(split.val.length, Math.round(labels.length * 0.1));
  assert.equal(split.train.length + split.val.length, labels.length);
  assertStratified(labels, split.val, 5, labels.length);
  assertStratified(labels, split.train, 5, labels.length);
  const seen = new Set([...split.train, ...split.val]);
  assert.equal(seen.size, labels.length, 'no index in both, none missing');
  for (const part of [split.train, split.val]) assert.ok(part.every((v, i) => i === 0 || v > part[i - 1]), 'sorted, no repeats');
});

test('makeSplit: the same seed gives the same split, another seed another', () => {
  const labels = unbalancedLabels();
  const a = makeSplit(labels, 5, { valFraction: 0.2, seed: 7 });
  const b = makeSplit(labels, 5, { valFraction: 0.2, seed: 7 });
  const c = makeSplit(labels, 5, { valFraction: 0.2, seed: 8 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.val, c.val);
});

test('makeSplit: trainLimit keeps a stratified subset and shrinks validation in proportion', () => {
  const labels = unbalancedLabels();
  const split = makeSplit(labels, 5, { valFraction: 0.1, trainLimit: 90, seed: 1 });
  assert.equal(split.train.length, 90);
  assert.equal(split.val.length, 10);
  assertStratified(labels, split.train, 5, labels.length);
  assertStratified(labels, split.val, 5, labels.length);
  assert.ok(!split.train.some((index) => split.val.includes(index)));
  const unlimited = makeSplit(labels, 5, { valFraction: 0.1, trainLimit: 10_000, seed: 1 });
  assert.equal(unlimited.train.length + unlimited.val.length, labels.length);
  assert.throws(() => makeSplit(labels, 5, { valFraction: 1, seed: 1 }), /valFraction must be in \[0, 1\)/);
  assert.throws(() => makeSplit(labels, 5, { valFraction: 0.1, trainLimit: 0, seed: 1 }), /trainLimit must be a positive integer/);
});

test('makeSplit: valLimit sets the validation size whatever trainLimit is, never above valFraction of the data', () => {
  const labels = unbalancedLabels();
  const fullVal = Math.round(labels.length * 0.1);
  const wide = makeSplit(labels, 5, { valFraction: 0.1, trainLimit: 90, valLimit: 30, seed: 1 });
  assert.equal(wide.train.length, 90);
  assert.equal(wide.val.length, 30, 'more than the 10 that trainLimit alone would keep');
  assertStratified(labels, wide.val, 5, labels.length);
  assertStratified(labels, wide.train, 5, labels.length);
  assert.ok(!wide.train.some((index) => wide.val.includes(index)), 'disjoint');
  const capped = makeSplit(labels, 5, { valFraction: 0.1, trainLimit: 90, valLimit: 10_000, seed: 1 });
  assert.equal(capped.val.length, fullVal);
  const full = makeSplit(labels, 5, { valFraction: 0.1, seed: 1 });
  const narrow = makeSplit(labels, 5, { valFraction: 0.1, valLimit: 12, seed: 1 });
  assert.equal(narrow.val.length, 12);
  assert.deepEqual(narrow.train, full.train, 'without trainLimit the training set is the usual one');
  assert.ok(narrow.val.every((index) => full.val.includes(index)), 'a subset of the usual validation set');
  assert.throws(() => makeSplit(labels, 5, { valFraction: 0.1, valLimit: 0, seed: 1 }), /valLimit must be a positive integer/);
});

/** Two 2x2 RGB images with known bytes. */
function tinySet(): ImageSet {
  const images = Uint8Array.from([
    // image 0: pixels (0,0) (0,1) (1,0) (1,1), each R G B
    0, 255, 10, 51, 255, 20, 102, 255, 30, 153, 255, 40,
    // image 1
    255, 0, 50, 255, 0, 60, 255, 0, 70, 255, 0, 80,
  ]);
  return { images, labels: Uint8Array.from([1, 0]), count: 2, shape: [2, 2, 3] };
}

test('computeNormalisation: per-channel mean and std of pixels/255 over the given indices only', () => {
  const set = tinySet();
  const first = computeNormalisation(set, Int32Array.from([0]));
  assert.deepEqual(first.mean.map((m) => +m.toFixed(6)), [+(76.5 / 255).toFixed(6), 1, +(25 / 255).toFixed(6)]);
  const redStd = Math.sqrt([0, 51, 102, 153].reduce((s, v) => s + (v / 255 - 76.5 / 255) ** 2, 0) / 4);
  assert.ok(Math.abs(first.std[0] - redStd) < 1e-9);
  assert.equal(first.std[1], 0);
  const both = computeNormalisation(set, Int32Array.from([0, 1]));
  assert.ok(Math.abs(both.mean[1] - 0.5) < 1e-12, 'image 1 counts only when its index is given');
});

test('batches: normalised float32 HWC in seeded order, last partial batch included, every index once', () => {
  const set = tinySet();
  const norm = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 1] };
  const plain = [...batches(set, Int32Array.from([0, 1]), norm, { batchSize: 1, shuffle: false, seed: 1 })];
  assert.equal(plain.length, 2);
  assert.deepEqual([...plain[0].y], [1]);
  assert.ok(plain[0].x instanceof Float32Array && plain[0].y instanceof Int32Array);
  assert.ok(Math.abs(plain[0].x[3] - (51 / 255 - 0.5) / 0.25) < 1e-6, 'pixel (0,1) red');
  assert.ok(Math.abs(plain[1].x[11] - (80 / 255 - 0.5) / 1) < 1e-6, 'image 1 pixel (1,1) blue');

  const labels = Uint8Array.from({ length: 23 }, (_, i) => i % 3);
  const big: ImageSet = { images: Uint8Array.from({ length: 23 * 4 }, (_, i) => i % 256), labels, count: 23, shape: [2, 2, 1] };
  const indices = Int32Array.from({ length: 23 }, (_, i) => i);
  const order = (seed: number) =>
    [...batches(big, indices, { mean: [0], std: [1] }, { batchSize: 5, shuffle: true, seed })].map((b) => [...b.x.filter((_, k) => k % 4 === 0)].map((v) => Math.round(v * 255) / 4));
  const a = order(3);
  assert.deepEqual(a.map((b) => b.length), [5, 5, 5, 5, 3]);
  assert.deepEqual(a.flat().sort((p, q) => p - q), [...indices]);
  assert.deepEqual(order(3), a, 'same seed, same order');
  assert.notDeepEqual(order(4), a);
});

test('batches: augmentation shifts within the zero padding and flips horizontally, labels unchanged', () => {
  const side = 4;
  const image = Uint8Array.from({ length: side * side }, (_, p) => 10 + p);
  const set: ImageSet = { images: image, labels: Uint8Array.from([2]), count: 1, shape: [side, side, 1] };
  const identity = { mean: [0], std: [1] };
  const seenFlip = new Set<boolean>();
  for (let seed = 0; seed < 40; seed++) {
    const [batch] = [...batches(set, Int32Array.from([0]), identity, { batchSize: 1, shuffle: false, seed, augment: { cropPadding: 1, flip: true } })];
    const out = [...batch.x].map((v) => Math.round(v * 255));
    assert.equal(batch.y[0], 2);
    const match = candidates(image, side, 1).find((candidate) => candidate.pixels.every((v, i) => v === out[i]));
    assert.ok(match, `seed ${seed}: output ${out} is a shifted (and maybe flipped) copy padded with zeros`);
    seenFlip.add(match.flip);
  }
  assert.deepEqual([...seenFlip].sort(), [false, true], 'both flipped and unflipped crops occur');
});

function candidates(image: Uint8Array, side: number, pad: number) {
  const out: { pixels: number[]; flip: boolean }[] = [];
  for (const flip of [false, true]) {
    for (let dy = -pad; dy <= pad; dy++) {
      for (let dx = -pad; dx <= pad; dx++) {
        const pixels: number[] = [];
        for (let y = 0; y < side; y++) {
          for (let x = 0; x < side; x++) {
            const sy = y + dy;
            const sx = (flip ? side - 1 - x : x) + dx;
            pixels.push(sy >= 0 && sy < side && sx >= 0 && sx < side ? image[sy * side + sx] : 0);
          }
        }
        out.push({ pixels, flip });
      }
    }
  }
  return out;
}
