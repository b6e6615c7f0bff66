import * as tf from '@tensorflow/tfjs';

/**
 * Adam with global-norm gradient clipping. Written out (rather than tf.train.adam) because its
 * state must restore bit for bit and synchronously: tfjs's setWeights is async and recomputes the
 * bias-correction powers, which can differ in the last bit from an uninterrupted run. Here the bias
 * correction comes from the step count alone.
 */
export class Adam {
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];
  step: number;

  constructor(
    private readonly params: tf.Variable[],
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
    moments?: { first: Float32Array[]; second: Float32Array[]; step: number },
  ) {
    const init = (values: Float32Array[] | undefined) =>
      params.map((p, i) => tf.variable(values ? tf.tensor(values[i], p.shape) : tf.zerosLike(p), false));
    this.firstMoments = init(moments?.first);
    this.secondMoments = init(moments?.second);
    this.step = moments?.step ?? 0;
  }

  /** One update (`learningRate` per parameter); returns the gradients' global norm before clipping. */
  apply(grads: tf.Tensor[], learningRate: number[], clipNorm: number): number {
    const norm = Math.sqrt(tf.tidy(() => tf.addN(grads.map((g) => g.square().sum())).dataSync()[0]));
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
    this.step++;
    const correction = Math.sqrt(1 - this.beta2 ** this.step) / (1 - this.beta1 ** this.step);
    tf.tidy(() => {
      this.params.forEach((param, i) => {
        const g = grads[i].mul(scale);
        const m = this.firstMoments[i];
        const v = this.secondMoments[i];
        m.assign(m.mul(this.beta1).add(g.mul(1 - this.beta1)));
        v.assign(v.mul(this.beta2).add(g.square().mul(1 - this.beta2)));
        param.assign(param.sub(m.div(v.sqrt().add(this.epsilon)).mul(learningRate[i] * correction)));
      });
    });
    return norm;
  }

  moments(): { first: Float32Array[]; second: Float32Array[]; step: number } {
    const read = (vars: tf.Variable[]) => vars.map((v) => new Float32Array(v.dataSync() as Float32Array));
    return { first: read(this.firstMoments), second: read(this.secondMoments), step: this.step };
  }

  dispose(): void {
    tf.dispose([...this.firstMoments, ...this.secondMoments]);
  }
}
