import type { Argv, CommandModule } from 'yargs';
import { STRATEGY_NAMES } from '../../controller/index.js';
import { DATASET_NAMES } from '../../data/index.js';
import { BACKENDS, DEFAULT_SPACES, OBJECTIVES, OPTIMIZERS, PRUNE_MODES, SEARCH_DEFAULTS, startSearch } from '../../search/index.js';
import { DEFAULT_DB_FILE } from '../../store/index.js';
import { progressRenderer, type ProgressMode } from '../progress/search-progress.js';

interface SearchArgs {
  dataset?: string;
  trials?: number;
  space?: string;
  strategy?: string;
  'controller-batch'?: number;
  'controller-options'?: string;
  epochs?: number;
  'train-limit'?: number;
  'val-limit'?: number;
  'val-fraction'?: number;
  'batch-size'?: number;
  lr?: number;
  optimizer?: string;
  concurrency?: number;
  threads?: number;
  gpus?: string;
  seed?: number;
  name?: string;
  resume?: boolean;
  'time-limit'?: number;
  'max-params'?: number;
  'max-macs'?: number;
  objective?: string;
  'param-target'?: number;
  'cost-weight'?: number;
  prune?: string;
  'prune-min-trials'?: number;
  'failure-reward'?: number;
  'max-consecutive-failures'?: number;
  backend?: string;
  'data-dir'?: string;
  'label-mode'?: string;
  db: string;
  json?: boolean;
  quiet?: boolean;
}

const d = SEARCH_DEFAULTS;
const spaceDefaults = Object.entries(DEFAULT_SPACES).map(([dataset, space]) => `${dataset}: ${space}`).join(', ');

function builder(yargs: Argv): Argv<SearchArgs> {
  return yargs
    .option('dataset', { type: 'string', describe: `Dataset: ${DATASET_NAMES.join(', ')} (required unless --resume)` })
    .option('trials', { type: 'number', describe: `Architectures to evaluate [default: ${d.trials}]` })
    .option('space', { type: 'string', describe: `Search space: a shipped name or a space .json file [default: the dataset's: ${spaceDefaults}]` })
    .option('strategy', { type: 'string', describe: `${STRATEGY_NAMES.join(', ')} [default: ${d.strategy}]` })
    .option('controller-batch', { type: 'number', describe: 'Architectures per controller update [default: the strategy\'s]' })
    .option('controller-options', { type: 'string', describe: 'Strategy options as JSON, e.g. \'{"learningRate": 0.05}\' (README: "Strategies and controller options")' })
    .option('epochs', { type: 'number', describe: `Training epochs per trial [default: ${d.epochs}]` })
    .option('train-limit', { type: 'number', describe: 'Train each trial on at most this many examples (a cheap proxy)' })
    .option('val-limit', { type: 'number', describe: 'Score each trial on at most this many validation examples [default: in proportion to --train-limit]' })
    .option('val-fraction', { type: 'number', describe: `Share of the training set held out for validation [default: ${d.valFraction}]` })
    .option('batch-size', { type: 'number', describe: `Training batch size [default: ${d.batchSize}]` })
    .option('lr', { type: 'number', describe: `Learning rate [default: ${d.learningRate}]` })
    .option('optimizer', { type: 'string', describe: `${OPTIMIZERS.join(', ')} [default: ${d.optimizer}]` })
    .option('concurrency', { type: 'number', describe: 'Trials trained at once, each in its own worker process [default: 1]' })
    .option('threads', { type: 'number', describe: 'wasm threads per worker [default: the cores divided among the --concurrency workers]' })
    .option('gpus', { type: 'string', describe: 'GPU ids, e.g. 0,1: one worker per GPU (CUDA_VISIBLE_DEVICES)' })
    .option('seed', { type: 'number', describe: `Seed of the whole search (same seed, same architectures) [default: ${d.seed}]` })
    .option('name', { type: 'string', describe: 'Experiment name [default: DATASET-SPACE-STRATEGY-seedSEED]' })
    .option('resume', { type: 'boolean', describe: 'Continue the named (default: latest) experiment with its stored settings' })
    .option('time-limit', { type: 'number', describe: 'Seconds after which no new trial starts; the search then stops cleanly' })
    .option('max-params', { type: 'number', describe: 'Only propose architectures with at most this many parameters' })
    .option('max-macs', { type: 'number', describe: 'Only propose architectures with at most this many multiply-accumulates per image (bounds training time) [default: the space\'s defaultMaxMacs, if it has one; fashion: 2000000]' })
    .option('objective', { type: 'string', describe: `${OBJECTIVES.join(', ')}: cost rewards accuracy x (params/target)^w [default: ${d.objective}]` })
    .option('param-target', { type: 'number', describe: `Parameter target of --objective cost [default: ${d.paramTarget}]` })
    .option('cost-weight', { type: 'number', describe: `Exponent w of --objective cost [default: ${d.costWeight}]` })
    .option('prune', { type: 'string', describe: `${PRUNE_MODES.join(', ')}: stop trials below the median at the same epoch [default: ${d.prune}]` })
    .option('prune-min-trials', { type: 'number', describe: `Completed trials needed before pruning [default: ${d.pruneMinTrials}]` })
    .option('failure-reward', { type: 'number', describe: `Reward of a failed trial [default: ${d.failureReward}]` })
    .option('max-consecutive-failures', { type: 'number', describe: `Stop after this many failures in a row [default: ${d.maxConsecutiveFailures}]` })
    .option('backend', { type: 'string', describe: `tfjs backend: ${BACKENDS.join(', ')} [default: ${d.backend}]` })
    .option('data-dir', { type: 'string', describe: 'Folder holding (or receiving) the datasets' })
    .option('label-mode', { type: 'string', describe: 'cifar100: fine or coarse; fer2013: all or binary' })
    .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database' })
    .option('json', { type: 'boolean', describe: 'Print one JSON object per event (for scripts)' })
    .option('quiet', { type: 'boolean', describe: 'Print only the final summary' })
    .example('$0 search --dataset fashion-mnist --trials 20 --epochs 1 --train-limit 5000', 'A quick search')
    .example('$0 search --resume --name my-search', 'Continue an interrupted search')
    .epilogue(
      'Every trial is committed to the database as it finishes. Ctrl-C stops cleanly (running trials are re-queued); ' +
        'after a crash, the same command (or --resume) continues with the same architectures an uninterrupted run would have produced.',
    ) as unknown as Argv<SearchArgs>;
}

export const searchCommand: CommandModule<object, SearchArgs> = {
  command: 'search',
  describe: 'Search architectures: a controller proposes, workers train, every trial is logged to SQLite',
  builder,
  handler: async (args) => {
    const mode: ProgressMode = args.json ? 'json' : args.quiet ? 'quiet' : process.stdout.isTTY ? 'tty' : 'plain';
    const interrupt = new AbortController();
    const onSignal = (signal: NodeJS.Signals): void => {
      if (interrupt.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
      process.stderr.write(`\nnas: ${signal}: stopping after committing what is done (press Ctrl-C again to quit at once)\n`);
      interrupt.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const summary = await startSearch({
        options: {
          dataset: args.dataset,
          dataDir: args['data-dir'],
          labelMode: args['label-mode'],
          space: args.space,
          strategy: args.strategy,
          controllerBatch: args['controller-batch'],
          controllerOptions: args['controller-options'],
          trials: args.trials,
          seed: args.seed,
          epochs: args.epochs,
          trainLimit: args['train-limit'],
          valLimit: args['val-limit'],
          valFraction: args['val-fraction'],
          batchSize: args['batch-size'],
          learningRate: args.lr,
          optimizer: args.optimizer,
          objective: args.objective,
          paramTarget: args['param-target'],
          costWeight: args['cost-weight'],
          maxParams: args['max-params'],
          maxMacs: args['max-macs'],
          prune: args.prune,
          pruneMinTrials: args['prune-min-trials'],
          failureReward: args['failure-reward'],
          maxConsecutiveFailures: args['max-consecutive-failures'],
          backend: args.backend,
        },
        name: args.name,
        resume: args.resume ?? false,
        dbFile: args.db,
        concurrency: args.concurrency,
        threads: args.threads,
        gpus: args.gpus?.split(',').map((gpu) => gpu.trim()).filter(Boolean),
        timeLimitSeconds: args['time-limit'],
        onEvent: progressRenderer(mode),
        signal: interrupt.signal,
      });
      if (summary.status === 'failed') process.exitCode = 1;
      else if (summary.status === 'stopped' && interrupt.signal.aborted) process.exitCode = 130;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
