import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bombPng, imageFolder } from '../data/image-fixtures.js';
import { assertOneLineError, listFiles, runCli, tmpDir, TINY_SPACE } from './cli.js';

const SEARCH = ['search', '--space', TINY_SPACE, '--epochs', '1', '--trials', '2', '--val-fraction', '0.3', '--batch-size', '8'];

/** Each bad folder, and each misused folder option: one line, exit 2, and nothing written (no database, no dataset cache). */
test('bad image folders and folder options are one-line errors with exit code 2 that write nothing', async () => {
  const dir = tmpDir();
  const env = { NAS_DATA_DIR: path.join(dir, 'cache'), NAS_TEST_EVALUATOR: 'fake' };
  const cwd = { cwd: dir, env };
  await imageFolder(path.join(dir, 'one'), ['only'], 4);
  await imageFolder(path.join(dir, 'empty'), ['a', 'b'], 4);
  fs.mkdirSync(path.join(dir, 'empty', 'c'));
  await imageFolder(path.join(dir, 'corrupt'), ['a', 'b'], 10);
  fs.writeFileSync(path.join(dir, 'corrupt', 'b', '0003.png'), 'this is not a PNG');
  await imageFolder(path.join(dir, 'bomb'), ['a', 'b'], 4);
  fs.writeFileSync(path.join(dir, 'bomb', 'a', 'huge.png'), bombPng(30000, 30000));
  await imageFolder(path.join(dir, 'loop'), ['a', 'b'], 4);
  fs.symlinkSync(path.join(dir, 'loop'), path.join(dir, 'loop', 'b', 'again'));
  await imageFolder(path.join(dir, 'good'), ['a', 'b'], 4);
  const before = listFiles(dir);

  const search = (...args: string[]) => runCli([...SEARCH, ...args], cwd);
  assertOneLineError(await search('--dataset', './one'), /one: one class folder \('only'\); a dataset folder needs one subfolder of images per class, two classes at least$/);
  assertOneLineError(await search('--dataset', './empty'), /empty\/c: class folder with no images/);
  assertOneLineError(await search('--dataset', './corrupt'), /1 of 20 images \(5\.0 %\) cannot be decoded, more than the 1 % that is skipped \(first: b\/0003\.png: /);
  assertOneLineError(await search('--dataset', './bomb'), /bomb\/a\/huge\.png: 30000x30000 pixels, over the limit of 178,956,970 \(a decompression bomb\?\)/);
  assertOneLineError(await search('--dataset', './loop'), /symlink loop/);
  assertOneLineError(await search('--dataset', './missing'), /missing: no such file or folder/);
  assertOneLineError(await search('--dataset', 'good', '--image-size', '0x5'), /--image-size must be HxW \(e\.g\. 32x32\) with sides from 1 to 1024, not '0x5'/);
  assertOneLineError(await search('--dataset', 'good', '--channels', '2'), /--channels must be 1 \(grayscale\) or 3 \(RGB\), not 2/);
  assertOneLineError(await search('--dataset', 'good', '--label-mode', 'fine'), /--label-mode applies to cifar100 and fer2013, not to a dataset given as a path/);
  assertOneLineError(await search('--dataset', 'synthetic', '--image-size', '28x28'), /--image-size applies to a dataset given as a path \(--dataset \.\/photos\), not to synthetic/);
  assertOneLineError(await runCli(['datasets', 'show', './one'], cwd), /one class folder/);
  assertOneLineError(await runCli(['train', '--arch', 'x.json', '--dataset', './empty'], cwd), /x\.json|class folder with no images/);
  assert.deepEqual(listFiles(dir), before, 'nothing written');
});

test('files that are not images are ignored and counted in the summary line', async () => {
  const dir = tmpDir();
  await imageFolder(path.join(dir, 'photos'), ['cat', 'dog'], 50);
  fs.writeFileSync(path.join(dir, 'photos', 'cat', 'notes.txt'), 'x');
  fs.writeFileSync(path.join(dir, 'photos', 'dog', 'Thumbs.db'), 'x');
  fs.writeFileSync(path.join(dir, 'photos', 'LICENSE'), 'x');
  const env = { NAS_DATA_DIR: path.join(dir, 'cache'), NAS_TEST_EVALUATOR: 'fake' };
  const result = await runCli([...SEARCH, '--dataset', 'photos'], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  const data = `data: ${path.join(fs.realpathSync(dir), 'photos')}`;
  assert.ok(result.stdout.startsWith(data) || result.stdout.startsWith(`data: ${path.join(dir, 'photos')}`), result.stdout.split('\n')[0]);
  assert.match(result.stdout, /: 100 images in 2 classes \(80 train, 20 test held out\), 12x12x1; 3 non-image files ignored; decoded in [\d.]+ s, cached\n/);
  assert.match(result.stdout, /experiment photos-tiny-reinforce-seed1: completed/);
  const again = await runCli([...SEARCH, '--dataset', 'photos'], { cwd: dir, env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /3 non-image files ignored; read from the dataset cache in [\d.]+ s\n/);
  const shown = await runCli(['datasets', 'show', 'photos', '--split', 'test', '--index', '0', '--json'], { cwd: dir, env });
  assert.equal(shown.code, 0, shown.stderr);
  const example = JSON.parse(shown.stdout) as { dataset: string; split: string; label: number; className: string; shape: number[]; pixels: number[][][] };
  assert.deepEqual([example.split, example.label, example.className, example.shape], ['test', 0, 'cat', [12, 12, 1]]);
  assert.match(example.dataset, /photos$/);
  assert.equal(example.pixels.length, 12);
});
