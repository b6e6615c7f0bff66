/** The trainer contract: ARCH + data + hyperparameters in, metrics out. The trainer knows nothing of the search. */
import type { Arch } from '../space/types.js';
import type { DatasetName } from '../data/types.js';
import type { DatasetDescriptor } from '../data/custom/types.js';

export type BackendName = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface HyperParams {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  schedule: 'constant' | 'cosine';
  labelSmoothing: number;
  weightDecay: number;
  /** Stop when validation loss has not improved for this many epochs; 0 disables. */
  earlyStoppingPatience: number;
  augment: boolean;
  /**
   * Train only as many of the epochs as fit in this many seconds, at the pace of the epochs so far (full
   * training on a budget; the test evaluation and saving come after). Absent: every epoch.
   */
  timeLimitSeconds?: number;
  /** Score the test set on each image and its mirror, probabilities averaged (full training, with augment, on datasets that flip). */
  testTimeFlip?: boolean;
  seed: number;
}

export interface DataRequest {
  /** A shipped dataset's name, or the path of the user's own data (then with its descriptor). */
  dataset: DatasetName | string;
  /** The user's own data as the experiment described it: loaded from the dataset cache, refused if its content changed. */
  datasetDescriptor?: DatasetDescriptor;
  dataDir?: string;
  labelMode?: string;
  valFraction: number;
  trainLimit?: number;
  /** At most this many validation examples (default: in proportion to trainLimit). */
  valLimit?: number;
  /** Seed of the train/validation split (the search's seed: same seed, same split). */
  splitSeed: number;
  /** Full training (nas replay, nas train): train on train + validation, evaluate on the test set. */
  useTestSet: boolean;
}

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  seconds: number;
  /** Epochs this run will train in all, as planned after this one (less than asked under a time limit). */
  plannedEpochs?: number;
}

/** Progress inside an epoch, reported a few times a second at most; it changes nothing that is trained. */
export interface BatchProgress {
  epoch: number;
  /** Epochs this run will train in all, as planned now. */
  epochs: number;
  /** Steps done in this epoch, of `batches`. */
  batch: number;
  batches: number;
  /** Images trained in this epoch so far, of `epochImages`. */
  images: number;
  epochImages: number;
  /** This epoch's pace, from the end of its first step on. */
  imagesPerSecond: number;
  /** Since training started (after the data and the model were ready). */
  elapsedSeconds: number;
  /** Until this epoch's steps are done, and the last planned epoch's, at this pace (without scoring passes). */
  epochEtaSeconds: number;
  runEtaSeconds: number;
  /** The backend, e.g. 'wasm with 2 threads' (set by the pool's worker). */
  backend?: string;
}

/** What the epoch hook answers: go on, or stop this trial (pruned). */
export type EpochVerdict = 'continue' | 'prune';

export interface Evaluation {
  accuracy: number;
  loss: number;
  confusion: number[][];
  perClass: { precision: number; recall: number; f1: number; support: number }[];
}

export interface TrainResult {
  status: 'completed' | 'pruned' | 'nan';
  history: EpochMetrics[];
  /** Best validation accuracy over the last epochs (the reward the search uses). */
  valAcc: number;
  valLoss: number;
  trainAcc: number;
  epochs: number;
  params: number;
  backend: string;
  /** Why this backend and not a better one (from backend selection), when there is something to say. */
  backendNotes?: string[];
  seconds: number;
  imagesPerSecond: number;
  /** Present when DataRequest.useTestSet. */
  test?: Evaluation;
  /** Present when a model path was asked for. */
  modelPath?: string;
  /** Present when DataRequest.useTestSet: the input normalisation the model was trained with (see TrainedNormalisation). */
  normalisation?: TrainedNormalisation;
  /** Set by pool workers: tensors the trial left alive beyond the worker's baseline (a non-zero count recycles the worker). */
  leakedTensors?: number;
}

/**
 * The per-channel mean and standard deviation of pixel / 255 that a model's inputs were normalised with, and the
 * number of training images they were computed on (the training subset after the split and any train limit).
 */
export interface TrainedNormalisation {
  mean: number[];
  std: number[];
  images: number;
}

export interface TrainJob {
  arch: Arch;
  data: DataRequest;
  hyper: HyperParams;
  /** Save the trained model (tfjs LayersModel format) to this folder. */
  saveModelTo?: string;
  /** Save the training state here after every epoch, and continue from it when it holds this key's state. */
  checkpoint?: { file: string; key: string };
}

/** Why a trial failed without a result. */
export type FailureCause = 'crash' | 'oom' | 'error' | 'leak' | 'timeout';

export type TrainOutcome =
  | { ok: true; result: TrainResult; worker: string }
  | { ok: false; cause: FailureCause; error: string; worker: string };

export interface RunHooks {
  /** Called after each epoch; answering 'prune' stops the trial (status 'pruned'). */
  onEpoch?: (metrics: EpochMetrics) => EpochVerdict | Promise<EpochVerdict>;
  /** Progress inside an epoch (see BatchProgress). */
  onProgress?: (progress: BatchProgress) => void;
  signal?: AbortSignal;
}

/**
 * Long-lived worker processes (one per GPU with CUDA_VISIBLE_DEVICES, else `size` on CPU), each holding the
 * dataset in memory, replaced after a crash, OOM or tensor leak. Implemented in src/trainer/pool/.
 */
export interface TrainerPool {
  run(job: TrainJob, hooks?: RunHooks): Promise<TrainOutcome>;
  close(): Promise<void>;
}
