import * as tf from '@tensorflow/tfjs';
import type { DecisionProcess, NextDecision } from '../../space/types.js';
import type { Rng } from '../rng.js';
import { sampleCategorical } from '../sampling.js';

/** Logit shaping shared by sampling and training: logits = C * tanh(l / T) (C = 0: plain l / T). */
export interface LogitShape {
  temperature: number;
  tanhConstant: number;
}

/** A complete decision sequence with the (kind, mask) seen at each of its steps. */
export interface Trajectory {
  decisions: number[];
  steps: NextDecision[];
}

export interface PolicyLoss {
  loss: tf.Scalar;
  /** [T, N] entropy of each step (0 on padding). */
  entropy: tf.Tensor2D;
}

const MASKED = -1e9;

/**
 * The controller's policy: embedding of the previous decision (one row per (kind, choice), plus a
 * start row), one LSTM cell, and one softmax head per decision kind. The heads are the column
 * blocks of one output matrix; a step's mask keeps only the feasible columns of its kind's block.
 */
export class LstmPolicy {
  readonly variables: tf.Variable[];
  private readonly offsets: number[];
  private readonly totalChoices: number;
  private readonly forgetBias = tf.scalar(1);

  /**
   * With `positions` > 0 the input also carries a learned embedding of the step index (so the same
   * previous choice at different positions can lead to different choices).
   */
  constructor(
    readonly choicesPerKind: readonly number[],
    readonly hiddenSize: number,
    readonly positions: number,
    initial: Float32Array[] | { rng: Rng; range: number },
  ) {
    this.offsets = choicesPerKind.map((_, kind) => choicesPerKind.slice(0, kind).reduce((a, b) => a + b, 0));
    this.totalChoices = choicesPerKind.reduce((a, b) => a + b, 0);
    const h = hiddenSize;
    const shapes: number[][] = [[this.totalChoices + 1 + positions, h], [2 * h, 4 * h], [4 * h], [h, this.totalChoices], [this.totalChoices]];
    this.variables = shapes.map((shape, i) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Array.isArray(initial) ? initial[i] : uniformValues(initial.rng, size, initial.range);
      if (values.length !== size) throw new Error(`policy weight ${i} has ${values.length} values, expected ${size}`);
      return tf.variable(tf.tensor(values, shape), true, undefined, 'float32');
    });
  }

  weights(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array).map((a) => new Float32Array(a));
  }

  /** Sample `count` sequences at once: one batched LSTM step per decision position. */
  sample(process: DecisionProcess, count: number, rng: Rng, shape: LogitShape): Trajectory[] {
    const trajectories: Trajectory[] = Array.from({ length: count }, () => ({ decisions: [], steps: [] }));
    const previous = new Int32Array(count);
    let state = this.zeroState(count);
    for (let t = 0; t < process.maxDecisions + 1; t++) {
      const steps = trajectories.map((tr) => process.next(tr.decisions));
      if (steps.every((s) => s === null)) break;
      if (t === process.maxDecisions) throw new Error(`decision process '${process.spaceName}' exceeded maxDecisions`);
      const { logits, next } = this.step(previous, t, state);
      tf.dispose(state);
      state = next;
      steps.forEach((step, row) => {
        if (!step) return;
        const offset = this.offsets[step.kind];
        const raw = logits.subarray(row * this.totalChoices + offset, row * this.totalChoices + offset + step.mask.length);
        const choice = sampleCategorical(rng, maskedSoftmax(raw, step.mask, shape));
        trajectories[row].decisions.push(choice);
        trajectories[row].steps.push(step);
        previous[row] = 1 + offset + choice;
      });
    }
    tf.dispose(state);
    return trajectories;
  }

  /** Action probabilities of one step after `prefix` (for tests and diagnostics). */
  probabilities(process: DecisionProcess, prefix: readonly number[], shape: LogitShape): number[] | null {
    const target = process.next(prefix);
    if (!target) return null;
    const previous = new Int32Array(1);
    let state = this.zeroState(1);
    let logits: Float32Array = new Float32Array(0);
    for (let t = 0; t <= prefix.length; t++) {
      const out = this.step(previous, t, state);
      tf.dispose(state);
      state = out.next;
      logits = out.logits;
      if (t < prefix.length) previous[0] = 1 + this.offsets[process.next(prefix.slice(0, t))!.kind] + prefix[t];
    }
    tf.dispose(state);
    const offset = this.offsets[target.kind];
    return maskedSoftmax(logits.subarray(offset, offset + target.mask.length), target.mask, shape);
  }

  /**
   * -mean(advantage * log pi(sequence)) - entropyWeight * mean(sum of step entropies), with every
   * sequence run in one padded, time-major batch.
   */
  loss(trajectories: readonly Trajectory[], advantages: readonly number[], entropyWeight: number, shape: LogitShape): PolicyLoss {
    const batch = this.encode(trajectories);
    const { T, N } = batch;
    let entropy: tf.Tensor2D | undefined;
    const loss = tf.tidy(() => {
      const inputs = tf.split(this.embed(batch.previous, (row) => Math.floor(row / N)), T, 0);
      let c: tf.Tensor2D = tf.zeros([N, this.hiddenSize]);
      let h: tf.Tensor2D = tf.zeros([N, this.hiddenSize]);
      const outputs: tf.Tensor2D[] = [];
      for (const x of inputs) {
        [c, h] = tf.basicLSTMCell(this.forgetBias, this.variables[1] as tf.Tensor2D, this.variables[2] as tf.Tensor1D, x as tf.Tensor2D, c, h);
        outputs.push(h);
      }
      const raw = tf.concat(outputs, 0).matMul(this.variables[3] as tf.Tensor2D).add(this.variables[4]);
      const shaped = shapeLogits(raw, shape).add(tf.tensor2d(batch.mask, [T * N, this.totalChoices]));
      const logp = tf.logSoftmax(shaped);
      const chosen = logp.mul(tf.tensor2d(batch.chosen, [T * N, this.totalChoices])).sum(1);
      const sequenceLogp = chosen.reshape([T, N]).sum(0);
      const stepEntropy = logp.exp().mul(logp).sum(1).neg().mul(tf.tensor1d(batch.valid)).reshape([T, N]);
      entropy = tf.keep(stepEntropy as tf.Tensor2D);
      const policyTerm = sequenceLogp.mul(tf.tensor1d(Array.from(advantages))).sum().neg();
      return policyTerm.sub(stepEntropy.sum().mul(entropyWeight)).div(N) as tf.Scalar;
    });
    return { loss, entropy: entropy! };
  }

  dispose(): void {
    tf.dispose([...this.variables, this.forgetBias]);
  }

  /**
   * Embedding rows by one-hot product (gather's gradient has no kernel on the wasm backend): the
   * previous decision's row plus, when enabled, the step's position row.
   */
  private embed(indices: Int32Array, positionOf: (row: number) => number): tf.Tensor2D {
    const vocabulary = this.totalChoices + 1;
    const rows = vocabulary + this.positions;
    const oneHot = new Float32Array(indices.length * rows);
    indices.forEach((index, i) => {
      oneHot[i * rows + index] = 1;
      if (this.positions > 0) oneHot[i * rows + vocabulary + Math.min(positionOf(i), this.positions - 1)] = 1;
    });
    return tf.tensor2d(oneHot, [indices.length, rows]).matMul(this.variables[0] as tf.Tensor2D) as tf.Tensor2D;
  }

  private zeroState(count: number): tf.Tensor2D[] {
    return [tf.zeros([count, this.hiddenSize]), tf.zeros([count, this.hiddenSize])];
  }

  private step(previous: Int32Array, position: number, [c, h]: tf.Tensor2D[]): { logits: Float32Array; next: tf.Tensor2D[] } {
    const [next, logitsTensor] = tf.tidy(() => {
      const x = this.embed(previous, () => position);
      const [c2, h2] = tf.basicLSTMCell(this.forgetBias, this.variables[1] as tf.Tensor2D, this.variables[2] as tf.Tensor1D, x, c, h);
      const logits = h2.matMul(this.variables[3] as tf.Tensor2D).add(this.variables[4]);
      return [[c2, h2], logits] as [tf.Tensor2D[], tf.Tensor];
    });
    const logits = logitsTensor.dataSync() as Float32Array;
    logitsTensor.dispose();
    return { logits, next };
  }

  private encode(trajectories: readonly Trajectory[]) {
    const N = trajectories.length;
    const T = Math.max(1, ...trajectories.map((tr) => tr.decisions.length));
    const K = this.totalChoices;
    const previous = new Int32Array(T * N);
    const mask = new Float32Array(T * N * K);
    const chosen = new Float32Array(T * N * K);
    const valid = new Float32Array(T * N);
    trajectories.forEach((tr, n) => {
      for (let t = 0; t < tr.decisions.length; t++) {
        const row = t * N + n;
        const { kind, mask: feasible } = tr.steps[t];
        const offset = this.offsets[kind];
        mask.fill(MASKED, row * K, (row + 1) * K);
        feasible.forEach((ok, choice) => ok && (mask[row * K + offset + choice] = 0));
        chosen[row * K + offset + tr.decisions[t]] = 1;
        valid[row] = 1;
        if (t + 1 < T) previous[(t + 1) * N + n] = 1 + offset + tr.decisions[t];
      }
    });
    return { T, N, previous, mask, chosen, valid };
  }
}

function shapeLogits(raw: tf.Tensor, { temperature, tanhConstant }: LogitShape): tf.Tensor {
  const scaled = raw.div(temperature);
  return tanhConstant > 0 ? tf.tanh(scaled).mul(tanhConstant) : scaled;
}

/** Softmax over the feasible choices only (in float64); infeasible choices get probability exactly 0. */
function maskedSoftmax(raw: ArrayLike<number>, mask: readonly boolean[], { temperature, tanhConstant }: LogitShape): number[] {
  const logits = Array.from(raw, (l) => (tanhConstant > 0 ? tanhConstant * Math.tanh(l / temperature) : l / temperature));
  const max = Math.max(...logits.filter((_, i) => mask[i]));
  const weights = logits.map((l, i) => (mask[i] ? Math.exp(l - max) : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

function uniformValues(rng: Rng, size: number, range: number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (rng.next() * 2 - 1) * range;
  return values;
}
