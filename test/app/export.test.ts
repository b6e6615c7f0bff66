import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { describePreprocessing, exportTrial, storedExport } from '../../src/app/index.js';
import { ConfigError } from '../../src/errors.js';
import type { ReplayRecord } from '../../src/store/index.js';
import { newTrial, state, withExperiment } from '../store/helpers.js';

const EVALUATION = { accuracy: 0.5, loss: 1, confusion: [[1, 1], [0, 2]], perClass: [] };
const PREPROCESSING = describePreprocessing([4, 4, 1], 2, { mean: [0.25], std: [0.5] }, {
  dataset: 'synthetic', labelMode: null, split: 'train + validation', images: 10, trainLimit: null, valFraction: 0.1, splitSeed: 1,
});

function replayWith(settings: Record<string, unknown>): ReplayRecord {
  return { id: 4, trialId: 1, arch: [{ type: 'T' }], dataset: 'synthetic', epochs: 1, settings, evaluation: EVALUATION, modelPath: '/m', backend: 'cpu', seconds: 1, createdAt: 'now' };
}

test('a replay record keeps what an export needs; an older record or a damaged one is refused with what to do', () => {
  assert.deepEqual(storedExport(replayWith({ epochs: 1, preprocessing: PREPROCESSING, labels: ['a', 'b'] })), { preprocessing: PREPROCESSING, labels: ['a', 'b'] });
  assert.throws(() => storedExport(replayWith({ epochs: 1 })), (error: Error) => error instanceof ConfigError && /replay 4 was recorded before nas kept the input normalisation .*: replay the trial again/.test(error.message));
  const damaged = { ...PREPROCESSING, normalisation: { ...PREPROCESSING.normalisation, std: ['x'] } };
  assert.throws(() => storedExport(replayWith({ preprocessing: damaged, labels: ['a', 'b'] })), /replay 4's stored normalisation is damaged/);
  assert.throws(() => storedExport(replayWith({ preprocessing: PREPROCESSING })), /damaged/);
});

test('nas export refuses, writing nothing, a trial never replayed, one replayed by an older nas, and a model folder that is gone', async () => {
  const { store, id } = withExperiment();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-export-app-'));
  try {
    const [first, second, third] = store.queueBatch(id, 0, [newTrial(1), newTrial(2), newTrial(3)], state(0, 'asked', 0));
    const record = (trialId: number, settings: Record<string, unknown>, modelPath: string | null) =>
      store.replays.record({ trialId, arch: [{ type: 'T' }], dataset: 'synthetic', epochs: 1, settings, evaluation: EVALUATION, modelPath, backend: 'cpu', seconds: 1 });
    record(second!.id, { epochs: 1 }, path.join(root, 'old-model'));
    fs.mkdirSync(path.join(root, 'old-model'));
    fs.writeFileSync(path.join(root, 'old-model', 'model.json'), '{}');
    record(third!.id, { epochs: 1, preprocessing: PREPROCESSING, labels: ['a', 'b'] }, path.join(root, 'gone'));
    record(first!.id, { epochs: 1 }, null);
    const out = path.join(root, 'out');
    await assert.rejects(exportTrial(store, String(first!.id), out), /trial 1 has never been replayed with a saved model: nas replay 1 trains it/);
    await assert.rejects(exportTrial(store, 'e:2', out), /recorded before nas kept the input normalisation/);
    await assert.rejects(exportTrial(store, 'e:3', out), /saved its model in .*gone, which holds no model\.json now/);
    assert.deepEqual(fs.readdirSync(root), ['old-model'], 'no out folder, no staging folder');
  } finally {
    store.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
