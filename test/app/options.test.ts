import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_SPACES,
  SEARCH_DEFAULTS,
  configDifferences,
  resolveRunOptions,
  resolveSearchConfig,
  type SearchConfig,
} from '../../src/app/options/index.js';
import { ConfigError } from '../../src/errors.js';
import { loadSpace } from '../../src/space/index.js';
import { shippedFile } from '../../src/util/paths.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nas-options-'));
}

test('without --space a search uses the space made for the dataset, with that space\'s default MAC cap', () => {
  const fashion = resolveSearchConfig({ dataset: 'fashion-mnist' });
  assert.equal(fashion.space, 'fashion');
  assert.deepEqual(fashion.spaceDefinition, loadSpace('fashion'));
  assert.equal(fashion.maxMacs, 2_000_000);
  assert.equal(resolveSearchConfig({ dataset: 'mnist' }).space, 'fashion');
  const cifar = resolveSearchConfig({ dataset: 'cifar100' });
  assert.equal(cifar.space, 'cifar-deep');
  assert.equal(cifar.maxMacs, undefined, 'cifar-deep declares no default cap');
  assert.equal(resolveSearchConfig({ dataset: 'synthetic' }).space, 'seed-cnn');
  for (const space of new Set(Object.values(DEFAULT_SPACES))) assert.equal(loadSpace(space).kind, 'layers');
});

test('--max-macs overrides the space\'s default cap; a space without one stays uncapped', () => {
  assert.equal(resolveSearchConfig({ dataset: 'fashion-mnist', maxMacs: 5_000_000 }).maxMacs, 5_000_000);
  const seed = resolveSearchConfig({ dataset: 'fashion-mnist', space: 'seed-cnn' });
  assert.equal(seed.space, 'seed-cnn');
  assert.equal(seed.maxMacs, undefined);
  const dir = tmpDir();
  const file = path.join(dir, 'capped.json');
  fs.writeFileSync(file, JSON.stringify({ kind: 'layers', minLayers: 1, maxLayers: 2, defaultMaxMacs: 12345, layers: { C: { num_output: [4], kernel_size: [1] } } }));
  assert.equal(resolveSearchConfig({ dataset: 'synthetic', space: file }).maxMacs, 12345);
});

test('a resumed search keeps its stored space and cap, even when the defaults would now differ', () => {
  const stored = resolveSearchConfig({ dataset: 'fashion-mnist', space: 'seed-cnn' });
  const resumed = resolveSearchConfig({}, stored);
  assert.equal(resumed.space, 'seed-cnn');
  assert.equal(resumed.maxMacs, undefined, 'no default cap is added on resume');
  const capped = resolveSearchConfig({ dataset: 'fashion-mnist' });
  assert.equal(resolveSearchConfig({}, { ...capped }).maxMacs, 2_000_000);
});

test('nas space sample applies the space\'s default MAC cap unless --max-macs is given, as nas search does', () => {
  const macsOf = (args: string[]): number[] => {
    const run = spawnSync(process.execPath, [shippedFile('dist', 'src', 'cli', 'main.js'), 'space', 'sample', 'fashion', '--dataset', 'fashion-mnist', '--count', '60', ...args], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.trim().split('\n').map((line) => Number(/([\d,]+) MACs/.exec(line)![1].replace(/,/g, '')));
  };
  assert.ok(macsOf([]).every((macs) => macs <= 2_000_000));
  const wider = macsOf(['--max-macs', '50000000']);
  assert.ok(wider.some((macs) => macs > 2_000_000) && wider.every((macs) => macs <= 50_000_000));
});

test('--val-limit: checked, stored, kept on resume; absent unless given', () => {
  const config = resolveSearchConfig({ dataset: 'synthetic', trainLimit: 100, valLimit: 50 });
  assert.equal(config.valLimit, 50);
  assert.equal(resolveSearchConfig({}, config).valLimit, 50);
  assert.equal('valLimit' in resolveSearchConfig({ dataset: 'synthetic', trainLimit: 200 }), false);
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', valLimit: 2.5 }), /--val-limit must be a positive integer/);
});

test('--controller-options: a JSON object of strategy options, checked before anything is written', () => {
  const config = resolveSearchConfig({ dataset: 'synthetic', controllerOptions: '{"learningRate": 0.05, "repeats": "skip"}', controllerBatch: 4 });
  assert.deepEqual(config.strategyOptions, { learningRate: 0.05, repeats: 'skip', batchSize: 4 });
  assert.deepEqual(resolveSearchConfig({}, config).strategyOptions, config.strategyOptions, 'kept on resume');
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', controllerOptions: '{learningRate: 1}' }), /--controller-options must be a JSON object/);
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', controllerOptions: '[1]' }), /--controller-options must be a JSON object/);
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', controllerOptions: '{"learnRate": 1}' }), /unknown option 'learnRate' for strategy 'reinforce'/);
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', strategy: 'random', controllerOptions: '{"learningRate": 1}' }), /unknown option 'learningRate' for strategy 'random'/);
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', controllerOptions: '{"learningRate": -1}' }), /^ConfigError: option 'learningRate' of strategy 'reinforce' must be a positive number, not -1$/);
});

test('the defaults of a new experiment, under the stored keys of old databases (and the keys added since)', () => {
  assert.deepEqual(SEARCH_DEFAULTS, {
    strategy: 'reinforce',
    trials: 50,
    seed: 1,
    epochs: 3,
    valFraction: 0.1,
    batchSize: 64,
    learningRate: 0.001,
    optimizer: 'adam',
    schedule: 'cosine',
    objective: 'accuracy',
    paramTarget: 1_000_000,
    costWeight: -0.07,
    prune: 'median',
    pruneMinTrials: 5,
    halvingEta: 3,
    halvingMinEpochs: 1,
    evaluator: 'train',
    sharedSteps: 20,
    sharedWarmup: 400,
    sharedScoreImages: 1000,
    sharedTuneSteps: 50,
    sharedRule: 'plain',
    retrainTop: 10,
    sharedTimeShare: 0.75,
    failureReward: 0,
    maxConsecutiveFailures: 5,
    backend: 'auto',
  });
  const config = resolveSearchConfig({ dataset: 'synthetic' });
  assert.deepEqual(config, { ...SEARCH_DEFAULTS, dataset: 'synthetic', space: 'seed-cnn', spaceDefinition: loadSpace('seed-cnn'), strategyOptions: {} });
  const everything = resolveSearchConfig({ dataset: 'cifar100', labelMode: 'coarse', dataDir: '/data', trainLimit: 1000, valLimit: 100, maxParams: 1000, maxMacs: 2000 });
  assert.deepEqual(Object.keys(everything).sort(), [...STORED_KEYS].sort());
});

/** Every key a stored config may have: those of the databases written so far. */
const STORED_KEYS = [
  'dataset', 'dataDir', 'labelMode', 'space', 'spaceDefinition', 'strategy', 'strategyOptions', 'trials', 'seed', 'epochs', 'trainLimit',
  'valLimit', 'valFraction', 'batchSize', 'learningRate', 'optimizer', 'objective', 'paramTarget', 'costWeight', 'maxParams', 'maxMacs',
  'prune', 'pruneMinTrials', 'failureReward', 'maxConsecutiveFailures', 'backend', 'halvingEta', 'halvingMinEpochs',
  'evaluator', 'sharedSteps', 'sharedWarmup', 'sharedScoreImages', 'retrainTop', 'sharedTimeShare', 'sharedTuneSteps', 'sharedRule',
  'schedule',
];

test('a config stored before --evaluator existed resumes as a search that trains every trial', () => {
  const { evaluator, sharedSteps, sharedWarmup, sharedScoreImages, retrainTop, sharedTimeShare, ...older } = resolveSearchConfig({ dataset: 'synthetic' });
  assert.deepEqual([evaluator, sharedSteps, sharedWarmup, sharedScoreImages, retrainTop, sharedTimeShare], ['train', 20, 400, 1000, 10, 0.75]);
  const resumed = resolveSearchConfig({}, older as SearchConfig);
  assert.equal(resumed.evaluator, 'train');
  assert.deepEqual(configDifferences(older as SearchConfig, resumed), []);
});

test('a shared-weight config stored before --shared-tune-steps existed resumes without tuning, as it ran; a new one tunes', () => {
  const { sharedTuneSteps, ...older } = resolveSearchConfig({ dataset: 'synthetic', evaluator: 'shared' });
  assert.equal(sharedTuneSteps, 50);
  const resumed = resolveSearchConfig({}, older as SearchConfig);
  assert.equal(resumed.sharedTuneSteps, 0);
  assert.deepEqual(configDifferences(older as SearchConfig, resumed), []);
  assert.deepEqual(configDifferences(older as SearchConfig, { ...resumed, sharedTuneSteps: 50 }), ['sharedTuneSteps: 0 -> 50']);
});

test('a config stored before --schedule existed resumes with the constant rate its trials had; a new one decays it', () => {
  const { schedule, ...older } = resolveSearchConfig({ dataset: 'synthetic' });
  assert.equal(schedule, 'cosine');
  const resumed = resolveSearchConfig({}, older as SearchConfig);
  assert.equal(resumed.schedule, 'constant');
  assert.deepEqual(configDifferences(older as SearchConfig, resumed), []);
  assert.equal(resolveSearchConfig({ dataset: 'synthetic', schedule: 'constant' }).schedule, 'constant');
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', schedule: 'linear' }), /--schedule must be one of cosine, constant/);
});

test('a config stored before --prune halving existed resumes: its missing settings are their defaults, not changes', () => {
  const { halvingEta, halvingMinEpochs, ...older } = resolveSearchConfig({ dataset: 'synthetic' });
  assert.deepEqual([halvingEta, halvingMinEpochs], [3, 1]);
  const resumed = resolveSearchConfig({}, older as SearchConfig);
  assert.deepEqual([resumed.halvingEta, resumed.halvingMinEpochs], [3, 1]);
  assert.deepEqual(configDifferences(older as SearchConfig, resumed), []);
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', prune: 'halving', halvingEta: 1 }), /^ConfigError: --halving-eta must be at least 2, not 1$/);
});

test('on resume the stored values win; a change to the experiment is refused, one to trials, backend or data-dir is not', () => {
  const stored = resolveSearchConfig({ dataset: 'synthetic', trials: 7, epochs: 2, seed: 3, backend: 'wasm', dataDir: '/d', controllerBatch: 4 });
  const resumed = resolveSearchConfig({}, stored);
  assert.deepEqual(resumed, stored);
  assert.deepEqual(configDifferences(stored, resumed), []);
  assert.deepEqual(configDifferences(stored, resolveSearchConfig({ trials: 9, backend: 'cpu', dataDir: '/e' }, stored)), []);
  assert.deepEqual(configDifferences(stored, resolveSearchConfig({ epochs: 5 }, stored)), ['epochs: 2 -> 5']);
  assert.deepEqual(configDifferences(stored, resolveSearchConfig({ controllerBatch: 8 }, stored)), ['strategyOptions: {"batchSize":4} -> {"batchSize":8}']);
  assert.deepEqual(configDifferences(stored, resolveSearchConfig({ maxParams: 100 }, stored)), ['maxParams: unset -> 100']);
  assert.deepEqual(configDifferences(stored, resolveSearchConfig({ space: 'fashion' }, stored)).map((line) => line.split(':')[0]), ['space', 'spaceDefinition']);
});

test('a config stored before strategy options existed still resumes', () => {
  const { strategyOptions, ...old } = resolveSearchConfig({ dataset: 'synthetic' });
  assert.deepEqual(strategyOptions, {});
  const resumed = resolveSearchConfig({}, old as SearchConfig);
  assert.deepEqual(resumed.strategyOptions, {});
  assert.deepEqual(configDifferences(old as SearchConfig, resumed), []);
});

test('run options: --concurrency 1, threads from the cores, one worker per GPU; each bad value names its flag', () => {
  const threadsFor = (concurrency: number): number => 12 / concurrency;
  const machine = { cores: 12, warn: () => assert.fail('no warning expected') };
  assert.deepEqual(resolveRunOptions({}, threadsFor, machine), { concurrency: 1, threads: 12 });
  assert.deepEqual(resolveRunOptions({ concurrency: 3, threads: 2, timeLimitSeconds: 1.5 }, threadsFor, machine), { concurrency: 3, threads: 2, timeLimitSeconds: 1.5 });
  assert.deepEqual(resolveRunOptions({ concurrency: 2, gpus: ['0', '1'] }, threadsFor, machine), { concurrency: 2, threads: 6, gpus: ['0', '1'] });
  assert.deepEqual(resolveRunOptions({ gpus: [] }, threadsFor, machine), { concurrency: 1, threads: 12 });
  const refused = (args: Parameters<typeof resolveRunOptions>[0], message: RegExp): void =>
    assert.throws(() => resolveRunOptions(args, threadsFor, machine), (error) => error instanceof ConfigError && message.test(error.message));
  refused({ concurrency: 0 }, /^--concurrency must be a positive integer, not 0$/);
  refused({ threads: 1.5 }, /^--threads must be a positive integer, not 1.5$/);
  refused({ timeLimitSeconds: 0 }, /^--time-limit must be a positive number, not 0$/);
  refused({ gpus: ['0', 'x'] }, /^--gpus takes device numbers such as 0,1, not 'x'$/);
});

test('--concurrency above the cores (or the GPUs given) is capped with one warning; above 1024 it is refused', () => {
  const warnings: string[] = [];
  const machine = { cores: 4, warn: (message: string) => warnings.push(message) };
  const threadsFor = (concurrency: number): number => Math.max(1, Math.floor(4 / concurrency));
  assert.deepEqual(resolveRunOptions({ concurrency: 4 }, threadsFor, machine), { concurrency: 4, threads: 1 });
  assert.deepEqual(warnings, [], 'as many workers as cores is fine');
  assert.deepEqual(resolveRunOptions({ concurrency: 1000 }, threadsFor, machine), { concurrency: 4, threads: 1 }, 'threads follow the capped count');
  assert.deepEqual(warnings, ['--concurrency 1000 is more than the 4 cores of this machine: capped at 4 workers (more would only slow each other down)']);
  warnings.length = 0;
  assert.deepEqual(resolveRunOptions({ concurrency: 3, gpus: ['0', '1'] }, threadsFor, machine), { concurrency: 2, threads: 2, gpus: ['0', '1'] });
  assert.match(warnings.join('\n'), /^--concurrency 3 is more than the 2 GPU\(s\) given with --gpus: one worker per GPU, 2 in all$/);
  assert.throws(() => resolveRunOptions({ concurrency: 1025 }, threadsFor, machine), /^ConfigError: --concurrency must be at most 1,024, not 1025$/);
});

test('--name: 1 to 100 printable characters, checked with the run options', () => {
  const threadsFor = (): number => 1;
  const machine = { cores: 1, warn: () => {} };
  for (const name of ['my search', 'fashion-mnist-fashion-reinforce-seed1', 'é'.repeat(100), 'дерево 🌲']) {
    assert.doesNotThrow(() => resolveRunOptions({ name }, threadsFor, machine), name);
  }
  const refused = (name: string, message: RegExp): void =>
    assert.throws(() => resolveRunOptions({ name }, threadsFor, machine), (error) => error instanceof ConfigError && message.test(error.message), JSON.stringify(name));
  refused('', /^--name must not be empty, not ''$/);
  refused('x'.repeat(101), /^--name must be at most 100 characters/);
  refused('two\nlines', /^--name must be printable \(no control characters, newlines or escape sequences\), not 'two\\u000alines'$/);
  refused('\u001b[31mred', /must be printable.*not '\\u001b\[31mred'$/);
  refused('tab\there', /must be printable/);
  refused('bidi\u202eevil', /must be printable/);
  refused(' padded', /^--name must not start or end with a space/);
});

test('a validation split too small to rank is refused (5 per class, 20 at least), saying what to change; a resume keeps its split', () => {
  const refused = (options: Parameters<typeof resolveSearchConfig>[0], message: string): void =>
    assert.throws(() => resolveSearchConfig(options), (error) => error instanceof ConfigError && error.message === message);
  const fashionRule = 'ranking architectures on fashion-mnist needs at least 50 (5 per class, and 20 at least)';
  refused({ dataset: 'fashion-mnist', trainLimit: 5 }, `--train-limit 5 leaves 1 validation example (the validation set shrinks with it); ${fashionRule}: raise --train-limit to 450 or more, or give --val-limit 50`);
  refused({ dataset: 'fashion-mnist', valLimit: 49 }, `--val-limit 49 gives 49 validation examples; ${fashionRule}: give --val-limit 50 or more`);
  refused({ dataset: 'synthetic', valFraction: 0.01 }, "--val-fraction 0.01 of synthetic's 600 training examples leaves 6 validation examples; ranking architectures on synthetic needs at least 20 (5 per class, and 20 at least): raise --val-fraction to 0.04 or more");
  assert.equal(resolveSearchConfig({ dataset: 'fashion-mnist', trainLimit: 450 }).trainLimit, 450, 'the suggested limit is enough');
  assert.equal(resolveSearchConfig({ dataset: 'fashion-mnist', trainLimit: 5, valLimit: 50 }).valLimit, 50, 'so is the suggested --val-limit');
  assert.equal(resolveSearchConfig({ dataset: 'synthetic', valFraction: 0.04 }).valFraction, 0.04);
  assert.equal(resolveSearchConfig({ dataset: 'synthetic', trainLimit: 200 }).trainLimit, 200, 'the end-to-end tests\' proxy: 22 validation examples of 4 classes');
  const old = { ...resolveSearchConfig({ dataset: 'fashion-mnist', trainLimit: 450 }), trainLimit: 5 };
  assert.equal(resolveSearchConfig({}, old).trainLimit, 5, 'an experiment stored before the rule resumes');
});
