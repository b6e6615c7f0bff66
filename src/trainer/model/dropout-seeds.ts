import * as tf from '@tensorflow/tfjs';
import { SeedStream } from './seeds.js';

/**
 * tfjs's Dropout layer draws its mask from `layer.seed` on every call: a fixed seed gives the same mask
 * at every step, no seed gives Math.random. To get fresh masks that still repeat run to run, the seed
 * of every Dropout layer is replaced before each training step from a seeded stream. The layers stay
 * stock tfjs Dropout layers, so saved models load anywhere.
 */
export class DropoutReseeder {
  private readonly layers: { seed?: number }[];
  private readonly seeds: SeedStream;

  constructor(model: tf.LayersModel, seed: number) {
    this.layers = model.layers.filter((layer) => layer.getClassName() === 'Dropout') as unknown as { seed?: number }[];
    this.seeds = new SeedStream(seed, 'dropout');
  }

  reseed(): void {
    for (const layer of this.layers) layer.seed = this.seeds.next();
  }

  /** Where the stream would be after `steps` steps (a run continued from a checkpoint). */
  skip(steps: number): void {
    for (let step = 0; step < steps; step++) this.reseed();
  }
}
