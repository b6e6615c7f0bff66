import * as tf from '@tensorflow/tfjs';

export interface AdamSettings {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** A gradient and the box of its variable that the step used (the leading `sizes` of every axis). */
export interface SlicedGradient {
  gradient: tf.Tensor;
  /** The used box; absent when the whole variable was used. */
  sizes?: number[];
}

interface Moments {
  m: tf.Variable;
  v: tf.Variable;
  /** Per element: how many steps updated it, for bias correction (an element outside a step's box is not stepped). */
  t: tf.Variable;
}

/**
 * Adam whose moments belong to a variable by name, not by the position of its gradient (tfjs's Adam keys them by
 * order, so a path that changes from step to step would mix them), and which steps only the box of a variable that
 * a path used: elements outside it keep their weights, moments and step counts ("lazy" Adam), so a narrow path
 * does not move the weights of wider ones with stale momentum.
 */
export class KeyedAdam {
  private readonly moments = new Map<string, Moments>();
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  learningRate: number;

  constructor(settings: AdamSettings) {
    this.learningRate = settings.learningRate;
    this.beta1 = settings.beta1 ?? 0.9;
    this.beta2 = settings.beta2 ?? 0.999;
    this.epsilon = settings.epsilon ?? 1e-7;
  }

  /** One step for the variables named in `gradients` (any order, any subset); the others are left as they are. */
  apply(variables: ReadonlyMap<string, tf.Variable>, gradients: ReadonlyMap<string, SlicedGradient>): void {
    for (const name of [...gradients.keys()].sort()) {
      const variable = variables.get(name);
      if (!variable) throw new Error(`KeyedAdam: no variable named ${name}`);
      this.step(name, variable, gradients.get(name)!);
    }
  }

  private step(name: string, variable: tf.Variable, { gradient, sizes }: SlicedGradient): void {
    const moments = this.momentsOf(name, variable);
    const { beta1, beta2, epsilon, learningRate } = this;
    tf.tidy(() => {
      const mask = sizes ? boxMask(variable.shape, sizes) : tf.onesLike(variable);
      const t = moments.t.add(mask);
      const m = tf.where(mask.cast('bool'), moments.m.mul(beta1).add(gradient.mul(1 - beta1)), moments.m);
      const v = tf.where(mask.cast('bool'), moments.v.mul(beta2).add(gradient.square().mul(1 - beta2)), moments.v);
      // Bias corrections per element: 1 - beta^t, with t >= 1 wherever the mask is on.
      const safeT = tf.maximum(t, 1);
      const mHat = m.div(tf.scalar(1).sub(tf.exp(safeT.mul(Math.log(beta1)))));
      const vHat = v.div(tf.scalar(1).sub(tf.exp(safeT.mul(Math.log(beta2)))));
      const update = mHat.div(vHat.sqrt().add(epsilon)).mul(learningRate).mul(mask);
      variable.assign(variable.sub(update));
      moments.m.assign(m);
      moments.v.assign(v);
      moments.t.assign(t);
    });
  }

  private momentsOf(name: string, variable: tf.Variable): Moments {
    let moments = this.moments.get(name);
    if (!moments) {
      moments = {
        m: tf.variable(tf.zerosLike(variable), false),
        v: tf.variable(tf.zerosLike(variable), false),
        t: tf.variable(tf.zerosLike(variable), false),
      };
      this.moments.set(name, moments);
    }
    return moments;
  }

  /** The moments by variable name, as plain arrays (for checkpoints). */
  state(): Map<string, { m: Float32Array; v: Float32Array; t: Float32Array }> {
    const out = new Map<string, { m: Float32Array; v: Float32Array; t: Float32Array }>();
    for (const [name, { m, v, t }] of this.moments) {
      out.set(name, { m: m.dataSync() as Float32Array, v: v.dataSync() as Float32Array, t: t.dataSync() as Float32Array });
    }
    return out;
  }

  /** Puts back moments saved by state(); `shapes` gives each variable's shape. */
  restore(state: ReadonlyMap<string, { m: Float32Array; v: Float32Array; t: Float32Array }>, shapes: ReadonlyMap<string, number[]>): void {
    this.dispose();
    for (const [name, saved] of state) {
      const shape = shapes.get(name);
      if (!shape) throw new Error(`KeyedAdam: saved moments for an unknown variable ${name}`);
      const values = [saved.m, saved.v, saved.t].map((array) => tf.tensor(array, shape));
      const [m, v, t] = values.map((value) => tf.variable(value, false));
      this.moments.set(name, { m: m!, v: v!, t: t! });
      tf.dispose(values); // each variable holds its own reference to the data
    }
  }

  dispose(): void {
    for (const { m, v, t } of this.moments.values()) tf.dispose([m, v, t]);
    this.moments.clear();
  }
}

/** Ones in the leading `sizes` box of a tensor of `shape`, zeros elsewhere. */
function boxMask(shape: number[], sizes: number[]): tf.Tensor {
  const paddings = shape.map((dim, axis) => [0, dim - sizes[axis]!] as [number, number]);
  return tf.pad(tf.ones(sizes), paddings);
}
