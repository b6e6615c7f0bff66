import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Store, type TrialRecord } from '../../src/store/index.js';
import { errors, runCli, tmpDir } from './cli.js';

/** A one-shot space for the synthetic 16x16x1 images: two convolution slots, then global average pooling. */
const SPACE = {
  kind: 'layers',
  name: 'tiny-oneshot',
  minLayers: 3,
  maxLayers: 3,
  maxFC: 0,
  follows: { start: ['C'], C: ['C', 'P'], P: ['stop'], 'P.global_avg': ['stop'] },
  layers: {
    C: { num_output: [4, 8], kernel_size: [3, 5], stride: [1, 2], batch_norm: [true, false], skip_back: [0, 1] },
    P: { pool: ['global_avg'] },
  },
};

const args = (db: string) => [
  'search', '--dataset', 'synthetic', '--space', 'space.json', '--evaluator', 'shared', '--strategy', 'reinforce', '--trials', '12',
  '--controller-batch', '4', '--shared-steps', '3', '--shared-tune-steps', '2', '--shared-warmup', '6', '--shared-score-images', '40', '--retrain-top', '2',
  '--epochs', '1', '--backend', 'wasm', '--batch-size', '16', '--json', '--db', db,
];

function experiments(db: string): { name: string; status: string; trials: TrialRecord[] }[] {
  const store = Store.open(db, { create: false });
  try {
    return store.experiments.list().map((e) => ({ name: e.name, status: e.status, trials: store.trials.list(e.id) }));
  } finally {
    store.close();
  }
}

test('--evaluator shared: scores every proposal on shared weights, retrains the top 2 from scratch, and a kill mid-search resumes to the same rewards', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify(SPACE));
  const reference = await runCli(args('ref.db'), { cwd: dir });
  assert.equal(reference.code, 0, errors(reference));
  const [shared, retrained] = experiments(path.join(dir, 'ref.db'));
  assert.equal(shared!.trials.length, 12);
  assert.ok(shared!.trials.every((t) => t.status === 'completed' && t.epochsRun === 0), 'every proposal scored, none served as a duplicate');
  assert.equal(retrained!.name, `${shared!.name}-retrain`);
  assert.equal(retrained!.trials.length, 2);
  assert.ok(retrained!.trials.every((t) => t.status === 'completed' && t.epochsRun === 1), 'the retrained trials trained an epoch');
  const best = await runCli(['best', '--json', '--db', 'ref.db'], { cwd: dir });
  assert.equal(JSON.parse(best.stdout)[0].experiment, retrained!.name, 'nas best reads the retrained experiment');

  // Killed inside the second batch commit: the last trial's checkpoint is saved, its result is not.
  const killed = await runCli(args('crash.db'), { cwd: dir, env: { NAS_TEST_KILL_AT: 'commit:2' } });
  assert.equal(killed.signal ?? killed.code, 'SIGKILL', errors(killed));
  const resumed = await runCli(args('crash.db'), { cwd: dir });
  assert.equal(resumed.code, 0, errors(resumed));
  const [again] = experiments(path.join(dir, 'crash.db'));
  assert.deepEqual(again!.trials.map((t) => [t.hash, t.valAcc]), shared!.trials.map((t) => [t.hash, t.valAcc]));
});

test('--evaluator shared under --time-limit: the retraining goes on down the ranking until the limit, and stays stopped below --retrain-top', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify(SPACE));
  const timed = (db: string, top: string) => [
    'search', '--dataset', 'synthetic', '--space', 'space.json', '--evaluator', 'shared', '--strategy', 'random', '--trials', '100000',
    '--shared-steps', '3', '--shared-tune-steps', '2', '--shared-warmup', '6', '--shared-score-images', '40', '--retrain-top', top,
    '--time-limit', '8', '--shared-time-share', '0.5', '--epochs', '1', '--backend', 'wasm', '--batch-size', '16', '--db', db,
  ];
  const env = { NAS_TEST_EVALUATOR: 'fake:400' };
  const done = await runCli(timed('done.db', '2'), { cwd: dir, env });
  assert.equal(done.code, 0, errors(done));
  const [, retrained] = experiments(path.join(dir, 'done.db'));
  const count = retrained!.trials.length;
  assert.ok(count > 2, `went on past --retrain-top 2 while time was left: ${count} retrained`);
  assert.equal(retrained!.status, 'completed');
  assert.ok(retrained!.trials.every((t) => t.status === 'completed'), 'no trial left queued at the limit');
  assert.match(done.stdout, /the retraining ended at the time limit, after \d+ of the ranked architectures/);
  const again = await runCli(timed('done.db', '2'), { cwd: dir, env });
  assert.equal(again.code, 0, errors(again));
  assert.equal(experiments(path.join(dir, 'done.db'))[1]!.trials.length, count, 'a completed retraining run again trains nothing more');

  const short = await runCli(timed('short.db', '1000'), { cwd: dir, env });
  assert.equal(short.code, 0, errors(short));
  const [, unfinished] = experiments(path.join(dir, 'short.db'));
  assert.ok(unfinished!.trials.length < 1000);
  assert.equal(unfinished!.status, 'stopped', 'fewer than --retrain-top retrained: stopped, to be resumed');
});

test('--evaluator shared refuses a space without a fixed number of slots, before anything is written', async () => {
  const dir = tmpDir();
  const result = await runCli(['search', '--dataset', 'synthetic', '--evaluator', 'shared', '--trials', '4'], { cwd: dir });
  assert.equal(result.code, 2);
  assert.match(errors(result), /^nas: error: --evaluator shared needs a space with a fixed number of slots/);
  assert.deepEqual(fs.readdirSync(dir), []);
});
