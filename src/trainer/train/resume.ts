import * as tf from '@tensorflow/tfjs';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, type TrainingState } from './checkpoint.js';

/** Puts the model's weights and the optimiser's state back from the checkpoint; its state, or undefined when there is none. */
export async function restoreCheckpoint(model: tf.LayersModel, optimizer: tf.Optimizer, where: { file: string; key: string }): Promise<TrainingState | undefined> {
  const checkpoint = loadTrainingCheckpoint(where.file, where.key);
  if (!checkpoint) return undefined;
  try {
    model.setWeights(checkpoint.weights);
    const iterations = { name: 'iter', tensor: tf.scalar(checkpoint.state.optimizerIterations, 'int32') };
    await optimizer.setWeights([iterations, ...checkpoint.optimizer]);
    iterations.tensor.dispose();
    return checkpoint.state;
  } finally {
    tf.dispose([...checkpoint.weights, ...checkpoint.optimizer.map(({ tensor }) => tensor)]);
  }
}

export async function saveCheckpoint(model: tf.LayersModel, optimizer: tf.Optimizer, file: string, state: Omit<TrainingState, 'optimizerIterations'>): Promise<void> {
  const [iterations, ...moments] = await optimizer.getWeights();
  const count = (await iterations!.tensor.data())[0]!;
  const weights = model.getWeights();
  try {
    await saveTrainingCheckpoint(file, { state: { ...state, optimizerIterations: count }, weights, optimizer: moments });
  } finally {
    // Both getWeights hand out the variables themselves; only the iteration count is a new tensor.
    tf.dispose([iterations!.tensor]);
  }
}
