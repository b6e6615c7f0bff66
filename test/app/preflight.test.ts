import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { checkData, checkDatabaseTarget, checkStrategy } from '../../src/app/preflight/index.js';
import { ConfigError } from '../../src/errors.js';
import type { DecisionProcess } from '../../src/space/types.js';

const SYNTHETIC = { dataset: 'synthetic' as const, valFraction: 0.1, batchSize: 64 };

test('the split is sized from the data: 600 synthetic images give 540 to train and 60 to validate', async () => {
  assert.deepEqual(await checkData(SYNTHETIC, { fetch: false }), { total: 600, train: 540, val: 60 });
  assert.deepEqual(await checkData({ ...SYNTHETIC, trainLimit: 100, valLimit: 8 }, { fetch: false }), { total: 600, train: 100, val: 8 });
});

test('a batch larger than the training split is refused, naming both numbers', async () => {
  await assert.rejects(checkData({ ...SYNTHETIC, batchSize: 541 }, { fetch: false }), (e: Error) =>
    e instanceof ConfigError && /^--batch-size 541 is larger than the training split \(540 images of synthetic\); lower --batch-size$/.test(e.message));
  await assert.rejects(checkData({ ...SYNTHETIC, batchSize: 64, trainLimit: 50 }, { fetch: false }), /--batch-size 64 .*\(50 images.*or raise --train-limit/);
  await checkData({ ...SYNTHETIC, batchSize: 540 }, { fetch: false });
});

test('the database target: a new file under writable folders passes and creates nothing; a file in the way or a folder is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-preflight-'));
  checkDatabaseTarget(path.join(dir, 'new', 'deeper', 'r.db'));
  assert.deepEqual(fs.readdirSync(dir), []);
  fs.writeFileSync(path.join(dir, 'file'), '');
  assert.throws(() => checkDatabaseTarget(path.join(dir, 'file', 'r.db')), (e: Error) => e instanceof ConfigError && /file is a file, not a folder/.test(e.message));
  fs.mkdirSync(path.join(dir, 'folder.db'));
  assert.throws(() => checkDatabaseTarget(path.join(dir, 'folder.db')), /is not a file/);
  checkDatabaseTarget(path.join(dir, 'file'));
});

test('a strategy whose construction throws something other than a NasError is a one-line ConfigError naming --controller-options', () => {
  // 4.2M choices x 1024 hidden units: the policy's first weight matrix is over the largest typed array.
  const huge: DecisionProcess = {
    spaceName: 'huge',
    kinds: [{ name: 'choice', labels: new Array<string>(4_200_000).fill('x') }],
    maxDecisions: 1,
    next: () => null,
    decode: () => ({ kind: 'cell', arch: '' }),
    encode: () => [],
    hash: () => '',
  };
  assert.throws(
    () => checkStrategy({ strategy: 'reinforce', seed: 1, strategyOptions: { hiddenSize: 1024 } }, huge),
    (e: Error) => e instanceof ConfigError && /^the reinforce strategy cannot be built with --controller-options \{"hiddenSize":1024\}: RangeError: /.test(e.message) && !e.message.includes('\n'),
  );
  checkStrategy({ strategy: 'random', seed: 1, strategyOptions: {} }, huge);
});
