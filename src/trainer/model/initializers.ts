import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../space/types.js';
import type { SeedStream } from './seeds.js';

const HE_FAMILY: ReadonlySet<Activation> = new Set(['relu', 'elu', 'selu']);
/** Standard deviation of a unit normal truncated at two standard deviations (as Keras corrects for it). */
const TRUNCATED_STD = 0.87962566103423978;

type Initializer = ReturnType<typeof tf.initializers.heNormal>;

/**
 * He-normal for the ReLU family, Glorot-uniform otherwise; always with an explicit seed. tfjs's heNormal
 * draws a truncated normal without correcting its spread (about 12 % too small); this one is corrected.
 */
export function kernelInitializer(activation: Activation | 'softmax', seeds: SeedStream): Initializer {
  const seed = seeds.next();
  return HE_FAMILY.has(activation as Activation)
    ? tf.initializers.varianceScaling({ scale: 2 / TRUNCATED_STD ** 2, mode: 'fanIn', distribution: 'normal', seed })
    : tf.initializers.glorotUniform({ seed });
}
