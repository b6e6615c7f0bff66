import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { KeyedAdam } from '../../src/evaluation/shared/keyed-adam.js';
import { useCpu } from '../trainer/helpers.js';

const LR = 0.01;
const [B1, B2, EPS] = [0.9, 0.999, 1e-7];

/** Adam for one array, by the book, in float64: each element's step count is its own. */
class ReferenceAdam {
  readonly m: number[];
  readonly v: number[];
  readonly t: number[];
  constructor(readonly w: number[]) {
    this.m = w.map(() => 0);
    this.v = w.map(() => 0);
    this.t = w.map(() => 0);
  }
  step(gradient: number[], inBox: (i: number) => boolean = () => true): void {
    gradient.forEach((g, i) => {
      if (!inBox(i)) return;
      this.t[i]! += 1;
      this.m[i] = B1 * this.m[i]! + (1 - B1) * g;
      this.v[i] = B2 * this.v[i]! + (1 - B2) * g * g;
      const mHat = this.m[i]! / (1 - B1 ** this.t[i]!);
      const vHat = this.v[i]! / (1 - B2 ** this.t[i]!);
      this.w[i]! -= (LR * mHat) / (Math.sqrt(vHat) + EPS);
    });
  }
}

function close(actual: ArrayLike<number>, expected: number[], what: string): void {
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) < 1e-5, `${what}[${i}]: ${actual[i]} vs ${e}`));
}

before(useCpu);

test('moments follow each variable by name, whatever the order and subset of the gradients', () => {
  const rng = seedrandom('adam');
  const values = () => Array.from({ length: 6 }, () => rng() - 0.5);
  const reference = { a: new ReferenceAdam(values()), b: new ReferenceAdam(values()) };
  const variables = new Map([
    ['a', tf.variable(tf.tensor(reference.a.w, [2, 3]))],
    ['b', tf.variable(tf.tensor(reference.b.w, [6]))],
  ]);
  const adam = new KeyedAdam({ learningRate: LR, epsilon: EPS });
  // Reordered and partial maps, as paths that change from step to step give them.
  for (const names of [['a', 'b'], ['b'], ['b', 'a'], ['a'], ['b', 'a'], ['a']] as const) {
    const gradients = new Map(names.map((name) => [name, values()] as const));
    adam.apply(variables, new Map([...gradients].map(([name, g]) => [name, { gradient: tf.tensor(g, variables.get(name)!.shape) }])));
    for (const [name, g] of gradients) reference[name].step(g);
  }
  close(variables.get('a')!.dataSync(), reference.a.w, 'a');
  close(variables.get('b')!.dataSync(), reference.b.w, 'b');
});

test('a step moves only the box of a variable that the path read, and saved moments resume exactly', () => {
  const rng = seedrandom('box');
  const w = Array.from({ length: 12 }, () => rng() - 0.5);
  const reference = new ReferenceAdam([...w]);
  const variables = new Map([['k', tf.variable(tf.tensor(w, [3, 4]))]]);
  let adam = new KeyedAdam({ learningRate: LR, epsilon: EPS });
  const boxes = [[2, 2], [3, 4], [1, 3], [2, 4]];
  boxes.forEach((sizes, step) => {
    const inBox = (i: number) => Math.floor(i / 4) < sizes[0]! && i % 4 < sizes[1]!;
    const g = w.map((_, i) => (inBox(i) ? rng() - 0.5 : 0));
    adam.apply(variables, new Map([['k', { gradient: tf.tensor(g, [3, 4]), sizes }]]));
    reference.step(g, inBox);
    if (step === 1) {
      const saved = adam.state();
      adam.dispose();
      adam = new KeyedAdam({ learningRate: LR, epsilon: EPS });
      adam.restore(saved, new Map([['k', [3, 4]]]));
    }
  });
  close(variables.get('k')!.dataSync(), reference.w, 'k');
  // Each element counts the steps whose box held it: row 2 only the [3, 4] step, so one step of Adam, not four.
  assert.deepEqual([...adam.state().get('k')!.t], [4, 4, 3, 2, 3, 3, 2, 2, 1, 1, 1, 1]);
});
