/**
 * Every `nas search` option, once: the CLI declaration, the checks, the defaults, the stored config and what
 * a resume may change are all made from this table. A new option is one row here (and, when stored, its
 * field in SearchConfig). The rows are in --help order.
 */
import { DEFAULT_STRATEGY, STRATEGY_NAMES } from '../../controller/catalog.js';
import { MAX_CONTROLLER_BATCH } from '../../controller/options.js';
import { DATASET_NAMES, DEFAULT_MAX_SIDE, DEFAULT_TEST_FRACTION, channelCount, datasetNameOrPath, imageSize, testFraction } from '../../data/index.js';
import { defaultMaxMacs } from '../../space/index.js';
import { DEFAULT_DB_FILE } from '../../store/index.js';
import {
  choiceOf,
  deviceNumbers,
  finiteNumber,
  inOpenUnit,
  jsonObject,
  nonNegativeIntegerUpTo,
  positiveInteger,
  positiveIntegerUpTo,
  integerFromTwoUpTo,
  positiveNumber,
  printableName,
  splitList,
  text,
  trueOrFalse,
} from '../../checks.js';
import { queueUrl } from '../../dispatch/url.js';
import { SHARING_RULE_NAMES } from '../../evaluation/shared/sharing-rules.js';
import { OPTION_BOUNDS as MAX } from './bounds.js';
import { BACKENDS, EVALUATORS, OBJECTIVES, OPTIMIZERS, PRUNE_MODES, SCHEDULES } from './config.js';
import { DEFAULT_SPACES } from './default-spaces.js';
import type { OptionSpec } from './spec.js';

const spaceDefaults = Object.entries(DEFAULT_SPACES)
  .map(([dataset, space]) => `${dataset}: ${space}`)
  .join(', ');

export const SEARCH_OPTIONS = [
  { flag: 'dataset', key: 'dataset', type: 'string', scope: 'experiment', special: true, check: datasetNameOrPath,
    help: `Dataset: ${DATASET_NAMES.join(', ')}, or a path: a folder of images in class folders, an .npz or a .csv file (required unless --resume)` },
  { flag: 'trials', key: 'trials', type: 'number', scope: 'experiment-mutable', default: 50, check: positiveIntegerUpTo(MAX.trials),
    help: 'Architectures to evaluate' },
  { flag: 'space', key: 'space', type: 'string', scope: 'experiment', special: true, default: { text: `the dataset's: ${spaceDefaults}` }, check: text,
    help: 'Search space: a shipped name or a space .json file' },
  { flag: 'strategy', key: 'strategy', type: 'string', scope: 'experiment', default: DEFAULT_STRATEGY, check: choiceOf(STRATEGY_NAMES),
    help: STRATEGY_NAMES.join(', ') },
  { flag: 'controller-batch', key: 'controllerBatch', type: 'number', scope: 'experiment', special: true, default: { text: "the strategy's" }, check: positiveIntegerUpTo(MAX_CONTROLLER_BATCH),
    help: 'Architectures per controller update' },
  { flag: 'controller-options', key: 'controllerOptions', type: 'string', scope: 'experiment', special: true, check: jsonObject,
    help: 'Strategy options as JSON, e.g. \'{"learningRate": 0.05}\' (README: "Strategies and controller options")' },
  { flag: 'epochs', key: 'epochs', type: 'number', scope: 'experiment', default: 3, check: positiveIntegerUpTo(MAX.epochs),
    help: 'Training epochs per trial' },
  { flag: 'train-limit', key: 'trainLimit', type: 'number', scope: 'experiment', check: positiveIntegerUpTo(MAX.examples),
    help: 'Train each trial on at most this many examples (a cheap proxy)' },
  { flag: 'val-limit', key: 'valLimit', type: 'number', scope: 'experiment', default: { text: 'in proportion to --train-limit' }, check: positiveIntegerUpTo(MAX.examples),
    help: 'Score each trial on at most this many validation examples' },
  { flag: 'val-fraction', key: 'valFraction', type: 'number', scope: 'experiment', default: 0.1, check: inOpenUnit,
    help: 'Share of the training set held out for validation' },
  { flag: 'batch-size', key: 'batchSize', type: 'number', scope: 'experiment', default: 64, check: positiveIntegerUpTo(MAX.batchSize),
    help: 'Training batch size' },
  { flag: 'lr', key: 'learningRate', type: 'number', scope: 'experiment', default: 0.001, check: positiveNumber,
    help: 'Learning rate' },
  { flag: 'optimizer', key: 'optimizer', type: 'string', scope: 'experiment', default: 'adam', check: choiceOf(OPTIMIZERS),
    help: OPTIMIZERS.join(', ') },
  { flag: 'schedule', key: 'schedule', type: 'string', scope: 'experiment', default: 'cosine', absentMeans: 'constant', check: choiceOf(SCHEDULES),
    help: "Each trial's learning rate: cosine (from --lr down to 0 over the trial's --epochs) or constant. Cosine ranks architectures with less noise between trial seeds (BENCHMARKS.md \"A trial's learning-rate schedule\")" },
  { flag: 'concurrency', key: 'concurrency', type: 'number', scope: 'run', special: true, default: 1, check: positiveIntegerUpTo(MAX.concurrency),
    help: 'Trials trained at once, each in its own worker process; capped at the cores (CPU) or the GPUs given, with a warning' },
  { flag: 'threads', key: 'threads', type: 'number', scope: 'run', special: true, default: { text: 'the cores divided among the --concurrency workers' }, check: positiveIntegerUpTo(MAX.threads),
    help: 'wasm threads per worker' },
  { flag: 'gpus', key: 'gpus', type: 'string', scope: 'run', special: true, coerce: splitList, check: deviceNumbers,
    help: 'GPU ids, e.g. 0,1: one worker per GPU (CUDA_VISIBLE_DEVICES)' },
  { flag: 'seed', key: 'seed', type: 'number', scope: 'experiment', default: 1, check: nonNegativeIntegerUpTo(MAX.seed),
    help: 'Seed of the whole search (same seed, same architectures)' },
  { flag: 'name', key: 'name', type: 'string', scope: 'run', default: { text: 'DATASET-SPACE-STRATEGY-seedSEED' }, check: printableName,
    help: 'Experiment name: 1 to 100 printable characters' },
  { flag: 'resume', key: 'resume', type: 'boolean', scope: 'run', default: false, check: trueOrFalse,
    help: 'Continue the named (default: latest) experiment with its stored settings' },
  { flag: 'time-limit', key: 'timeLimitSeconds', type: 'number', scope: 'run', special: true, check: positiveNumber,
    help: 'Seconds after which no new trial starts; the search then stops cleanly' },
  { flag: 'max-params', key: 'maxParams', type: 'number', scope: 'experiment', check: positiveInteger,
    help: 'Only propose architectures with at most this many parameters' },
  { flag: 'max-macs', key: 'maxMacs', type: 'number', scope: 'experiment', check: positiveInteger,
    default: {
      text: "the space's defaultMaxMacs, if it has one; fashion: 2000000",
      derive: ({ spaceDefinition }) => spaceDefinition && defaultMaxMacs(spaceDefinition),
    },
    help: 'Only propose architectures with at most this many multiply-accumulates per image (bounds training time)' },
  { flag: 'objective', key: 'objective', type: 'string', scope: 'experiment', default: 'accuracy', check: choiceOf(OBJECTIVES),
    help: `${OBJECTIVES.join(', ')}: cost rewards accuracy x (params/target)^w` },
  { flag: 'param-target', key: 'paramTarget', type: 'number', scope: 'experiment', default: 1_000_000, check: positiveNumber,
    help: 'Parameter target of --objective cost' },
  { flag: 'cost-weight', key: 'costWeight', type: 'number', scope: 'experiment', default: -0.07, check: finiteNumber,
    help: 'Exponent w of --objective cost' },
  { flag: 'prune', key: 'prune', type: 'string', scope: 'experiment', default: 'median', check: choiceOf(PRUNE_MODES),
    help: `${PRUNE_MODES.join(', ')}: median stops trials below the median at the same epoch; halving is successive halving (ASHA)` },
  { flag: 'prune-min-trials', key: 'pruneMinTrials', type: 'number', scope: 'experiment', default: 5, check: positiveIntegerUpTo(MAX.pruneMinTrials),
    help: 'Completed trials needed before pruning' },
  { flag: 'halving-eta', key: 'halvingEta', type: 'number', scope: 'experiment', default: 3, check: integerFromTwoUpTo(MAX.halvingEta),
    help: 'With --prune halving: each rung promotes the top 1/eta of the trials that reached it' },
  { flag: 'halving-min-epochs', key: 'halvingMinEpochs', type: 'number', scope: 'experiment', default: 1, check: positiveIntegerUpTo(MAX.halvingMinEpochs),
    help: 'With --prune halving: the first rung; the others at min-epochs x eta^k' },
  { flag: 'evaluator', key: 'evaluator', type: 'string', scope: 'experiment', default: 'train', check: choiceOf(EVALUATORS),
    help: 'train: every trial trains from scratch; shared: one weight-sharing network scores every proposal (ENAS; RSPS with --strategy random), then the top --retrain-top train from scratch (README: "Shared weights")' },
  { flag: 'shared-steps', key: 'sharedSteps', type: 'number', scope: 'experiment', default: 20, check: positiveIntegerUpTo(MAX.sharedSteps),
    help: "With --evaluator shared: training steps of the shared weights along each proposal's path, after it is scored" },
  { flag: 'shared-warmup', key: 'sharedWarmup', type: 'number', scope: 'experiment', default: 400, check: nonNegativeIntegerUpTo(MAX.sharedWarmup),
    help: 'With --evaluator shared: steps along uniformly drawn paths before the first proposal is scored' },
  { flag: 'shared-tune-steps', key: 'sharedTuneSteps', type: 'number', scope: 'experiment', default: 50, absentMeans: 0, check: nonNegativeIntegerUpTo(MAX.sharedSteps),
    help: "With --evaluator shared: steps along a proposal's path alone before it is scored (a short fine-tuning from the shared weights, then undone; it ranks architectures better: README \"Shared weights\"); 0: scored on the shared weights as they stand" },
  { flag: 'shared-rule', key: 'sharedRule', type: 'string', scope: 'experiment', default: 'plain', absentMeans: 'plain', check: choiceOf(SHARING_RULE_NAMES),
    help: 'With --evaluator shared: plain (a narrow layer is a slice of the wide one) or scaled-bn (slices scaled to the path\'s fan-in; convolutions with and without batch norm own separate weights) (README "Shared weights")' },
  { flag: 'shared-score-images', key: 'sharedScoreImages', type: 'number', scope: 'experiment', default: 1000, check: positiveIntegerUpTo(MAX.examples),
    help: 'With --evaluator shared: validation images each proposal is scored on (drawn anew for each)' },
  { flag: 'retrain-top', key: 'retrainTop', type: 'number', scope: 'experiment', default: 10, check: positiveIntegerUpTo(MAX.retrainTop),
    help: 'With --evaluator shared: distinct architectures with the best shared-weight scores that then train from scratch; under --time-limit, at least these, then the next ones down the ranking until the limit' },
  { flag: 'shared-time-share', key: 'sharedTimeShare', type: 'number', scope: 'experiment', default: 0.75, check: inOpenUnit,
    help: 'With --evaluator shared and --time-limit: the share of the time limit the shared-weight phase gets; retraining gets the rest' },
  { flag: 'failure-reward', key: 'failureReward', type: 'number', scope: 'experiment', default: 0, check: finiteNumber,
    help: 'Reward of a failed trial' },
  { flag: 'max-consecutive-failures', key: 'maxConsecutiveFailures', type: 'number', scope: 'experiment', default: 5, check: positiveIntegerUpTo(MAX.maxConsecutiveFailures),
    help: 'Stop after this many failures in a row' },
  { flag: 'backend', key: 'backend', type: 'string', scope: 'experiment-mutable', default: 'auto', check: choiceOf(BACKENDS),
    help: `tfjs backend: ${BACKENDS.join(', ')}` },
  { flag: 'data-dir', key: 'dataDir', type: 'string', scope: 'experiment-mutable', check: text,
    help: 'Folder holding (or receiving) the datasets' },
  { flag: 'label-mode', key: 'labelMode', type: 'string', scope: 'experiment', special: true, check: text,
    help: 'cifar100: fine or coarse; fer2013: all or binary' },
  { flag: 'image-size', key: 'imageSize', type: 'string', scope: 'experiment', special: true, check: imageSize,
    default: { text: `the most common size, scaled down to at most ${DEFAULT_MAX_SIDE} pixels a side` },
    help: 'With --dataset FOLDER: resize every image to HxW, e.g. 32x32' },
  { flag: 'channels', key: 'channels', type: 'number', scope: 'experiment', special: true, check: channelCount,
    default: { text: '1 when every image is grayscale, else 3' },
    help: 'With --dataset FOLDER: 1 (grayscale) or 3 (RGB)' },
  { flag: 'test-fraction', key: 'testFraction', type: 'number', scope: 'experiment', special: true, check: testFraction,
    default: { text: String(DEFAULT_TEST_FRACTION) },
    help: 'With --dataset PATH and no test split in the files: the share held out as the test set (stratified, never read by a search)' },
  { flag: 'db', key: 'dbFile', type: 'string', scope: 'run', default: DEFAULT_DB_FILE, check: text,
    help: 'Results database' },
  { flag: 'queue', key: 'queue', type: 'string', scope: 'run', check: queueUrl,
    help: 'Send the trials to `nas worker`s through this Redis queue, redis://[user:password@]host:port[/db] or rediss://... (README: "Distributed trials")' },
  { flag: 'json', key: 'json', type: 'boolean', scope: 'run', default: false, check: trueOrFalse,
    help: 'Print one JSON object per event (for scripts)' },
  { flag: 'quiet', key: 'quiet', type: 'boolean', scope: 'run', default: false, check: trueOrFalse,
    help: 'Print only the final summary' },
] as const satisfies readonly OptionSpec[];

export type SearchOptionSpec = (typeof SEARCH_OPTIONS)[number];
export type SearchOptionKey = SearchOptionSpec['key'];

/** The row of a key of the table. */
export function optionSpec<K extends SearchOptionKey>(key: K): Extract<SearchOptionSpec, { key: K }> {
  return SEARCH_OPTIONS.find((spec) => spec.key === key) as Extract<SearchOptionSpec, { key: K }>;
}
