/** The settings of a full training (replay() and `nas replay` / `nas train`), checked in one place. */
import { BACKENDS } from '../app/options/config.js';
import { checkOption, optionSpec } from '../app/options/index.js';
import { DEFAULT_REPLAY_EPOCHS, REPLAY_RECIPE, type TrainingRecipe } from '../app/full-training.js';
import { oneOf, positiveNumber } from '../checks.js';
import { ConfigError } from '../errors.js';
import type { BackendName, HyperParams } from '../trainer/types.js';
import { writableFolder } from '../util/folders.js';

const SCHEDULES: readonly HyperParams['schedule'][] = ['constant', 'cosine'];

export interface TrainingSettings {
  /** Training epochs (default 20). */
  epochs?: number;
  /** 'cosine' (default: decays to 0 over the run) or 'constant'. */
  schedule?: string;
  /** The dataset's standard augmentation: random crop after zero padding, and a flip where it keeps the class (default false). */
  augment?: boolean;
  /** In [0, 1) (default 0). */
  labelSmoothing?: number;
  /** L2 weight decay on the kernels (default 0). */
  weightDecay?: number;
  /** Seconds of training: after the first epoch, the epochs are cut to what fits at the pace so far. */
  timeLimitSeconds?: number;
  /** Score each test image and its mirror (with augment, on datasets whose augmentation flips). */
  testTimeFlip?: boolean;
  /** Default: the trial's. */
  learningRate?: number;
  /** Default: the trial's. */
  batchSize?: number;
  /** tfjs backend (default: the experiment's). */
  backend?: string;
  /** wasm threads (default: one per core). */
  threads?: number;
  /** Train on at most this many examples (default: all). */
  trainLimit?: number;
  /** Folder under which the model's folder is made (default: models). */
  modelsDir?: string;
}

export interface CheckedTrainingSettings {
  epochs: number;
  backend?: BackendName;
  trainLimit?: number;
  threads?: number;
  recipe: TrainingRecipe;
  modelsDir: string;
}

/** `flag` names an option as the caller knows it (a CLI flag, or the API's key) for the messages. */
export function checkTrainingSettings(settings: TrainingSettings, flag: (key: keyof TrainingSettings) => string = (key) => key): CheckedTrainingSettings {
  const labelSmoothing = settings.labelSmoothing ?? REPLAY_RECIPE.labelSmoothing;
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new ConfigError(`${flag('labelSmoothing')} must be in [0, 1), not ${labelSmoothing}`);
  const weightDecay = settings.weightDecay ?? REPLAY_RECIPE.weightDecay;
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) throw new ConfigError(`${flag('weightDecay')} must be a number >= 0, not ${weightDecay}`);
  const recipe: TrainingRecipe = {
    schedule: oneOf(flag('schedule'), settings.schedule ?? REPLAY_RECIPE.schedule, SCHEDULES),
    augment: settings.augment ?? REPLAY_RECIPE.augment,
    labelSmoothing,
    weightDecay,
    testTimeFlip: settings.testTimeFlip ?? false,
  };
  if (settings.timeLimitSeconds !== undefined) recipe.timeLimitSeconds = positiveNumber(flag('timeLimitSeconds'), settings.timeLimitSeconds);
  if (settings.learningRate !== undefined) recipe.learningRate = positiveNumber(flag('learningRate'), settings.learningRate);
  if (settings.batchSize !== undefined) recipe.batchSize = checkOption(optionSpec('batchSize'), settings.batchSize);
  return {
    recipe,
    threads: settings.threads === undefined ? undefined : checkOption(optionSpec('threads'), settings.threads),
    epochs: checkOption(optionSpec('epochs'), settings.epochs ?? DEFAULT_REPLAY_EPOCHS),
    backend: settings.backend === undefined ? undefined : (oneOf(flag('backend'), settings.backend, BACKENDS) as BackendName),
    trainLimit: settings.trainLimit === undefined ? undefined : checkOption(optionSpec('trainLimit'), settings.trainLimit),
    modelsDir: writableFolder(flag('modelsDir'), settings.modelsDir ?? 'models'),
  };
}
