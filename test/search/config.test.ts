import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SPACES, resolveSearchConfig } from '../../src/search/index.js';
import { loadSpace } from '../../src/space/index.js';
import { shippedFile } from '../../src/util/paths.js';
import { tmpDir } from './helpers.js';

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
  assert.equal('valLimit' in resolveSearchConfig({ dataset: 'synthetic', trainLimit: 100 }), false);
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
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', controllerOptions: '{"learningRate": -1}' }), /learningRate.*must be positive/);
});
