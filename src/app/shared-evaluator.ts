import os from 'node:os';
import { createRng } from '../controller/rng.js';
import { randomSequence } from '../controller/sampling.js';
import { computeNormalisation, loadDataset, makeSplit, validationSize } from '../data/index.js';
import { createSharedEvaluator } from '../evaluation/shared/evaluator.js';
import { SharedSession } from '../evaluation/shared/session.js';
import { SHARING_RULES } from '../evaluation/shared/sharing-rules.js';
import type { Evaluator } from '../evaluation/types.js';
import type { Arch, DecisionProcess, LayerSpaceDefinition, ProblemSpec } from '../space/types.js';
import type { ExperimentRecord, Store } from '../store/index.js';
import type { SearchConfig } from './options/index.js';

/** Calibration images: enough batches for steady statistics, fewer when batches are small. */
const calibrationImages = (batchSize: number) => Math.min(512, 8 * batchSize);

/**
 * The shared-weight evaluator of a search, in this process (one network, one path at a time): the backend
 * (--backend, with the run's threads), the search's split of the training set (its validation images; training on
 * every other training image, --train-limit being the retraining's proxy), and checkpoints in the experiment's rows.
 */
export async function sharedEvaluatorFor(config: SearchConfig, problem: ProblemSpec, process: DecisionProcess, store: Store, experiment: ExperimentRecord, threads: number): Promise<Evaluator> {
  // Imported here: importing the wasm backend registers it above cpu, which the controller must not meet unready.
  const { selectBackend } = await import('../trainer/backends/index.js');
  const backend = await selectBackend(config.backend, { threads: Math.max(1, Math.min(threads, os.availableParallelism())) });
  await backend.tf.ready();
  const data = await sharedData(config);
  const session = new SharedSession({ input: problem.input, classes: problem.classes, maxWidth: maxWidth(config.spaceDefinition as LayerSpaceDefinition, problem) }, data, {
    seed: config.seed,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    calibrationImages: calibrationImages(config.batchSize),
    scoreImages: config.sharedScoreImages,
    sharing: SHARING_RULES[config.sharedRule],
  });
  return createSharedEvaluator(
    session,
    {
      stepsPerTrial: config.sharedSteps,
      tuneSteps: config.sharedTuneSteps,
      warmupSteps: config.sharedWarmup,
      samplePath: (key) => (process.decode(randomSequence(process, createRng(`${config.seed}:${key}`))) as { arch: Arch }).arch,
      backend: `${backend.name} in the search process`,
    },
    {
      before: (seq) => store.checkpoints.before(experiment.id, seq),
      save: (afterSeq, steps, state) => store.checkpoints.save(experiment.id, { afterSeq, steps, state }),
    },
  );
}

/** The search's validation images, and all the training images outside them. */
async function sharedData(config: SearchConfig) {
  const loaded = await loadDataset(config.dataset, {
    dataDir: config.dataDir,
    labelMode: config.labelMode,
    ...(config.datasetDescriptor ? { descriptor: config.datasetDescriptor } : {}),
  });
  const { train: set, info } = loaded;
  const splitOptions = { valFraction: config.valFraction, trainLimit: config.trainLimit, valLimit: config.valLimit };
  const valLimit = validationSize(set.count, splitOptions);
  const split = makeSplit(set.labels, info.numClasses, { valFraction: config.valFraction, valLimit, seed: config.seed });
  return { set, train: split.train, val: split.val, norm: computeNormalisation(set, split.train) };
}

/** The widest channel or unit count of the space (and the input's channels). */
function maxWidth(space: LayerSpaceDefinition, problem: ProblemSpec): number {
  const widths = [...(space.layers.C?.num_output ?? []), ...(space.layers.FC?.num_output ?? []), problem.input[2]];
  return Math.max(...widths);
}
