import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../../space/types.js';
import type { LayerStatistics } from './batch-norm.js';
import type { Supernet } from './supernet.js';

/**
 * A path's weights in the order of the stand-alone model that buildModel makes of its ARCH (per layer: kernel, then
 * bias, or batch-norm scale and shift; then every batch norm's mean and variance, which are not trained, as tfjs-layers
 * lists a model's weights), the means and variances from its calibration: the path as a model of its own, with the
 * weights it learned in the supernet.
 */
export function pathWeights(supernet: Supernet, arch: Arch, statistics: ReadonlyMap<number, LayerStatistics>): tf.Tensor[] {
  const boxes = supernet.pathOf(arch);
  return tf.tidy(() => {
    const weights: tf.Tensor[] = [];
    const moving: tf.Tensor[] = [];
    for (const [name, sizes] of boxes) {
      const layer = Number(/^L(\d+)\./.exec(name)![1]);
      let weight: tf.Tensor = tf.clone(supernet.weightOf(name, sizes));
      if (/\.(FC|T)\d+x\d+\.kernel$/.test(name)) weight = weight.reshape([sizes[0]! * sizes[1]! * sizes[2]!, sizes[3]!]);
      weights.push(weight);
      if (name.endsWith('.beta')) {
        const stats = statistics.get(layer);
        if (!stats) throw new Error(`no calibrated statistics for layer ${layer}`);
        moving.push(tf.tensor1d(stats.mean), tf.tensor1d(stats.variance));
      }
    }
    return [...weights, ...moving];
  });
}
