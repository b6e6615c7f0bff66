import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { errors, runCli, tmpDir, TINY_SPACE, rows } from './cli.js';

/** Real training (tfjs cpu backend, worker processes) on the synthetic dataset, kept small: 200 examples, 1 epoch. */
const searchArgs = (trials: number, seed: number): string[] => [
  'search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--trials', String(trials), '--concurrency', '2', '--controller-batch', '4',
  '--epochs', '1', '--train-limit', '200', '--batch-size', '32', '--backend', 'cpu', '--seed', String(seed),
];
const TRAIN_SMALL = ['--epochs', '1', '--train-limit', '200', '--backend', 'cpu'];

type Row = Record<string, unknown>;


test('nas search (12 trials, 2 workers), nas best --json, nas replay of the best: through the CLI, checked in the database', async () => {
  const dir = tmpDir();
  const db = path.join(dir, 'results.db');
  const search = await runCli(searchArgs(12, 3), { cwd: dir });
  assert.equal(search.code, 0, search.stderr);
  assert.equal(errors(search), '');
  assert.match(search.stdout, /trial 12\/12 (completed|duplicate|pruned)/);
  assert.match(search.stdout, /experiment synthetic-tiny-reinforce-seed3: completed/);
  assert.match(search.stdout, /controller: 3 updates/);

  const trials = rows(db, 'SELECT * FROM trials ORDER BY seq');
  assert.deepEqual(trials.map((t) => t.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const t of trials) {
    assert.ok(['completed', 'duplicate'].includes(t.status as string), `trial ${t.seq}: ${t.status} ${t.error}`);
    assert.ok((t.val_acc as number) >= 0 && (t.val_acc as number) <= 1);
    assert.equal(t.reward, t.val_acc);
    if (t.status === 'completed') {
      assert.equal(t.backend, 'cpu');
      assert.match(t.worker as string, /^w[01]#/);
      assert.equal(t.epochs_run, 1);
      const epochs = rows(db, `SELECT * FROM epochs WHERE trial_id = ${t.id}`);
      assert.equal(epochs.length, 1);
      assert.ok(Math.abs((epochs[0]!.val_acc as number) - (t.val_acc as number)) < 1e-9);
    } else {
      assert.equal(trials.find((o) => o.seq === t.duplicate_of)!.hash, t.hash);
    }
  }
  assert.equal(new Set(trials.filter((t) => t.status === 'completed').map((t) => t.worker)).size >= 2, true, 'both workers trained');
  assert.equal(rows(db, 'SELECT * FROM controller_updates').length, 3);
  const [state] = rows(db, 'SELECT phase, trials_consumed FROM controller_states ORDER BY id DESC LIMIT 1');
  assert.deepEqual({ ...state }, { phase: 'told', trials_consumed: 12 });
  assert.equal(rows(db, 'SELECT status FROM experiments')[0]!.status, 'completed');

  const best = await runCli(['best', '--json', '--top', '3'], { cwd: dir });
  assert.equal(best.code, 0, best.stderr);
  const top = JSON.parse(best.stdout) as { id: number; reward: number; arch: unknown }[];
  assert.equal(top.length, 3);
  const bestReward = Math.max(...trials.map((t) => t.reward as number));
  assert.equal(top[0]!.reward, bestReward);
  assert.ok(top[0]!.reward >= top[1]!.reward && top[1]!.reward >= top[2]!.reward);

  const listed = JSON.parse((await runCli(['trials', '--json'], { cwd: dir })).stdout) as Record<string, unknown>[];
  assert.deepEqual(listed.map((t) => t.seq), trials.map((t) => t.seq));
  assert.deepEqual(listed.map((t) => t.hash), trials.map((t) => t.hash));
  for (const key of ['seq', 'status', 'hash', 'reward', 'arch']) assert.ok(key in listed[0]!, key);

  const archOnly = await runCli(['best', '--arch-only'], { cwd: dir });
  fs.writeFileSync(path.join(dir, 'best.json'), archOnly.stdout);
  assert.deepEqual(JSON.parse(archOnly.stdout), top[0]!.arch);

  const replay = await runCli(['replay', String(top[0]!.id), ...TRAIN_SMALL], { cwd: dir });
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /for 1 epochs \(adam lr 0\.001 cosine, batch 32, no augmentation\)/, 'the replay recipe: the trial\'s hyperparameters, cosine decay');
  assert.match(replay.stdout, /test accuracy: \d+\.\d\d%/);
  assert.match(replay.stdout, /confusion matrix:\ntrue \\ predicted\s+0\s+1\s+2\s+3\n0 horizontal\s+\d+/);
  assert.match(replay.stdout, /per-class report:\nclass\s+precision\s+recall\s+f1\s+support\nhorizontal/);
  const [recorded] = rows(db, 'SELECT * FROM replays');
  assert.equal(recorded!.trial_id, top[0]!.id);
  assert.equal(recorded!.epochs, 1);
  const confusion = JSON.parse(recorded!.confusion as string) as number[][];
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, 200, 'the whole synthetic test set, once');
  const correct = confusion.reduce((sum, row, i) => sum + row[i]!, 0);
  assert.ok(Math.abs((recorded!.test_acc as number) - correct / total) < 1e-9);
  assert.ok(fs.existsSync(path.join(recorded!.model_path as string, 'model.json')), 'model saved in tfjs format');
  assert.ok((recorded!.model_path as string).startsWith(path.join(fs.realpathSync(dir), 'models')) || (recorded!.model_path as string).startsWith(path.join(dir, 'models')));

  const train = await runCli(['train', '--arch', 'best.json', '--dataset', 'synthetic', ...TRAIN_SMALL, '--schedule', 'constant', '--lr', '0.002', '--label-smoothing', '0.1', '--time-limit', '3600', '--tta'], { cwd: dir });
  assert.equal(train.code, 0, train.stderr);
  assert.match(train.stdout, /for as many of 1 epochs as fit in 1h00m \(fitted after the first\) \(adam lr 0\.002 constant, batch 64, no augmentation, label smoothing 0\.1, no test-time flip \(it needs --augment on a dataset that flips\)\)/);
  assert.match(train.stdout, /epoch 1\/1: train loss/);
  assert.match(train.stdout, /test accuracy/);
  assert.equal(rows(db, 'SELECT * FROM replays WHERE trial_id IS NULL').length, 1);

  const show = await runCli(['show', String(top[0]!.id)], { cwd: dir });
  assert.match(show.stdout, /replay 1: 1 epochs, test accuracy/);
  const experiments = await runCli(['experiments'], { cwd: dir });
  assert.match(experiments.stdout, /synthetic-tiny-reinforce-seed3\s+completed\s+synthetic\s+tiny\s+reinforce\s+3\s+12\/12/);
});

test('real training killed mid-trial (SIGKILL) resumes to the same architectures as an uninterrupted run', async () => {
  const dir = tmpDir();
  const args = searchArgs(8, 5);
  const reference = await runCli([...args, '--db', 'ref.db'], { cwd: dir });
  assert.equal(reference.code, 0, reference.stderr);
  const killed = await runCli([...args, '--db', 'crash.db'], { cwd: dir, env: { NAS_TEST_KILL_AT: 'epoch:3' } });
  assert.equal(killed.signal, 'SIGKILL');
  const running = rows(path.join(dir, 'crash.db'), `SELECT seq FROM trials WHERE status = 'running'`);
  assert.ok(running.length >= 1, 'a trial was running when the process died');
  const resumed = await runCli([...args, '--db', 'crash.db'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resuming experiment synthetic-tiny-reinforce-seed5: \d+\/8 trials done, \d+ interrupted trial\(s\) re-queued/);
  const hashesOf = (file: string): unknown[] => rows(path.join(dir, file), 'SELECT hash FROM trials ORDER BY seq').map((r) => r.hash);
  assert.deepEqual(hashesOf('crash.db'), hashesOf('ref.db'));
  assert.equal(rows(path.join(dir, 'crash.db'), `SELECT * FROM trials WHERE status NOT IN ('completed', 'duplicate')`).length, 0);
});
